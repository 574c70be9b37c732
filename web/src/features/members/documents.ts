import { graphql } from '../../gql';

export const MembersQuery = graphql(`
  query Members {
    members { id name email role createdAt lastSignInAt }
  }
`);

export const AddMemberMutation = graphql(`
  mutation AddMember($input: AddMemberInput!) {
    addMember(input: $input) { id }
  }
`);

export const UpdateMemberRoleMutation = graphql(`
  mutation UpdateMemberRole($id: ID!, $role: Role!) {
    updateMemberRole(id: $id, role: $role) { id role }
  }
`);

export const RemoveMemberMutation = graphql(`
  mutation RemoveMember($id: ID!) {
    removeMember(id: $id)
  }
`);
