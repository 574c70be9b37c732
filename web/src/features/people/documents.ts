import { graphql } from '../../gql';

export const PeopleQuery = graphql(`
  query People($listId: ID!, $first: Int, $after: String, $status: PersonStatusFilter, $search: String, $sort: PersonSort) {
    people(listId: $listId, first: $first, after: $after, status: $status, search: $search, sort: $sort) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id uid status values source } }
    }
  }
`);

export const PersonQuery = graphql(`
  query Person($id: ID!) {
    person(id: $id) {
      id uid status values source sourceAnchor createdAt updatedAt deactivatedAt lockedFields
      auditTrail(first: 30) { id at action actor { label type } changes { field before after } }
    }
  }
`);

export const CreatePersonMutation = graphql(`
  mutation CreatePerson($listId: ID!, $values: JSONObject!) {
    createPerson(listId: $listId, values: $values) { id uid status values }
  }
`);

export const UpdatePersonMutation = graphql(`
  mutation UpdatePerson($id: ID!, $values: JSONObject!) {
    updatePerson(id: $id, values: $values) { id uid status values updatedAt }
  }
`);

export const DeactivatePersonMutation = graphql(`
  mutation DeactivatePerson($id: ID!) {
    deactivatePerson(id: $id) { id status deactivatedAt }
  }
`);

export const ReactivatePersonMutation = graphql(`
  mutation ReactivatePerson($id: ID!) {
    reactivatePerson(id: $id) { id status deactivatedAt }
  }
`);

export const ErasePersonMutation = graphql(`
  mutation ErasePerson($id: ID!) {
    erasePerson(id: $id)
  }
`);

export const PersonChangedSubscription = graphql(`
  subscription PersonChanged($listId: ID!) {
    personChanged(listId: $listId) { personId kind }
  }
`);
