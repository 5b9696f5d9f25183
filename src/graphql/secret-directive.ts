import { DirectiveLocation, GraphQLDirective, isInputObjectType, type GraphQLSchema } from 'graphql';

/**
 * `@secret` marks an input field that carries a credential: it is write-only, and the API masks its value wherever it
 * would echo input back (graphql-js quotes invalid variable values in its messages; see format-error.ts).
 */
export const secretDirective = new GraphQLDirective({
  name: 'secret',
  description: 'A write-only credential: stored encrypted, never returned, and masked in error messages that quote input.',
  locations: [DirectiveLocation.INPUT_FIELD_DEFINITION],
});

/** The names of the input fields the schema marks `@secret`. */
export function secretInputFieldNames(schema: GraphQLSchema): ReadonlySet<string> {
  const names = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isInputObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.astNode?.directives?.some((directive) => directive.name.value === secretDirective.name)) names.add(field.name);
    }
  }
  return names;
}
