import { Authorized, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { ApprovalRecord, ChangeRequestRecord, ControlRequestRecord } from '../../governance/records.js';
import type { PersonRecord } from '../../people/people.service.js';
import type { ModelRecord } from '../../inventory/queries/records.js';
import type { GraphQLContext } from '../context.js';
import { PEOPLE_READERS } from '../access/person.resolver.js';
import { Person } from '../access/person.type.js';
import { Model } from '../inventory/model.type.js';
import { Approval, ChangeRequest } from './change-request.type.js';
import { ControlRequest } from './control-request.type.js';

/**
 * The people behind governance records: who asked, who decided, who owns the model. Independence compares these.
 * Readable by whoever may read people (ADMIN, RISK_OFFICER), like `people` and `node` on a Person: who holds which
 * identity is not everybody's business. Others keep the identity ids and names the records carry.
 */
const person = (ctx: GraphQLContext, id: string | null): Promise<PersonRecord | null> | null => (id ? ctx.loaders.person.load(id) : null);

@Resolver(() => Model)
export class ModelOwnerResolver {
  @Authorized(...PEOPLE_READERS)
  @FieldResolver(() => Person, {
    nullable: true,
    description: 'The accountable owner as a person (set by a person id, or an owner text matching a person’s email); null when the owner is only text. The owner may not validate the model.',
  })
  async accountableOwnerPerson(@Root() model: ModelRecord, @Ctx() ctx: GraphQLContext): Promise<PersonRecord | null> {
    return person(ctx, await ctx.loaders.ownerPersonOfModel.load(model.id));
  }
}

@Resolver(() => ChangeRequest)
export class ChangeRequestPeopleResolver {
  @Authorized(...PEOPLE_READERS)
  @FieldResolver(() => Person, { nullable: true, description: 'The person who asked, whichever identity they used; null for an identity without a person.' })
  requester(@Root() request: ChangeRequestRecord, @Ctx() ctx: GraphQLContext): Promise<PersonRecord | null> | null {
    return person(ctx, request.requesterPersonId);
  }
}

@Resolver(() => Approval)
export class ApprovalPeopleResolver {
  @Authorized(...PEOPLE_READERS)
  @FieldResolver(() => Person, { nullable: true, description: 'The person who decided, whichever identity they used.' })
  approver(@Root() approval: ApprovalRecord, @Ctx() ctx: GraphQLContext): Promise<PersonRecord | null> | null {
    return person(ctx, approval.approverPersonId);
  }
}

@Resolver(() => ControlRequest)
export class ControlRequestPeopleResolver {
  @Authorized(...PEOPLE_READERS)
  @FieldResolver(() => Person, { nullable: true, description: 'The person who asked.' })
  requester(@Root() request: ControlRequestRecord, @Ctx() ctx: GraphQLContext): Promise<PersonRecord | null> | null {
    return person(ctx, request.requesterPersonId);
  }

  @Authorized(...PEOPLE_READERS)
  @FieldResolver(() => Person, { nullable: true, description: 'The person who approved or rejected it.' })
  decider(@Root() request: ControlRequestRecord, @Ctx() ctx: GraphQLContext): Promise<PersonRecord | null> | null {
    return person(ctx, request.deciderPersonId);
  }
}
