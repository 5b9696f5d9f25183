import { registerEnumType } from 'type-graphql';
import { ROLES, type Role as RoleName } from '../../auth/principal.js';

/** The hub's roles (ARCHITECTURE §6) as a GraphQL enum. Registered once here; other modules import it. */
export const Role = Object.fromEntries(ROLES.map((r) => [r, r])) as { [K in RoleName]: K };

registerEnumType(Role, {
  name: 'Role',
  description: 'What a principal may do. ADMIN administers (people, keys, sources, policies) and never approves.',
  valuesConfig: {
    VIEWER: { description: 'Reads the inventory.' },
    DATA_SCIENTIST: { description: 'Requests lifecycle transitions.' },
    OPERATOR: { description: 'Manages sources and syncs.' },
    VALIDATOR: { description: 'Approves as independent validator where policy requires.' },
    RISK_OFFICER: { description: 'Approves as risk officer where policy requires.' },
    ADMIN: { description: 'Administers people, API keys, sources and policies; never fills an approval slot.' },
  },
});
