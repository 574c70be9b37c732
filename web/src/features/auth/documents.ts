import { graphql } from '../../gql';

export const ViewerPartsFragment = graphql(`
  fragment ViewerParts on Viewer {
    member { id name email role }
    organization { id name }
  }
`);

export const SetupStatusQuery = graphql(`
  query SetupStatus {
    setupStatus { needsSetup }
  }
`);

export const ViewerQuery = graphql(`
  query Viewer {
    viewer { ...ViewerParts }
  }
`);

export const SetupMutation = graphql(`
  mutation Setup($input: SetupInput!) {
    setup(input: $input) { expiresAt viewer { ...ViewerParts } }
  }
`);

export const LoginMutation = graphql(`
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) { expiresAt viewer { ...ViewerParts } }
  }
`);

export const LogoutMutation = graphql(`
  mutation Logout {
    logout
  }
`);
