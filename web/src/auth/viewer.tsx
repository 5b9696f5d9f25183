import { createContext, useContext, type ReactNode } from 'react';
import { graphql, type ResultOf } from '../api/graphql.ts';
import { may, type Action } from './permissions.ts';

export const MeQuery = graphql(`
  query Me {
    me {
      id
      displayName
      roles
      credential
      person { id email displayName roles }
    }
  }
`);

export type Me = ResultOf<typeof MeQuery>['me'];

interface Viewer {
  me: Me;
  may(action: Action): boolean;
}

const ViewerContext = createContext<Viewer | null>(null);

export function ViewerProvider({ me, children }: { me: Me; children: ReactNode }) {
  return <ViewerContext.Provider value={{ me, may: (action) => may(me.roles, action) }}>{children}</ViewerContext.Provider>;
}

/** The signed-in identity, its roles, and what they allow. */
export function useViewer(): Viewer {
  const viewer = useContext(ViewerContext);
  if (!viewer) throw new Error('useViewer outside a signed-in console');
  return viewer;
}
