import { graphql } from '../../gql';

export const SetupStatusQuery = graphql(`
  query SetupStatus {
    setupStatus { needsSetup }
  }
`);

export const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      member { id name email role }
      organization { id name }
    }
  }
`);

export const SetupMutation = graphql(`
  mutation Setup($input: SetupInput!) {
    setup(input: $input) { expiresAt }
  }
`);

export const LoginMutation = graphql(`
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) { expiresAt }
  }
`);

export const LogoutMutation = graphql(`
  mutation Logout {
    logout
  }
`);
