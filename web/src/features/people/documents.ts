import { graphql } from '../../gql';

export const PersonRowFragment = graphql(`
  fragment PersonRow on Person {
    id uid status values source createdAt updatedAt deactivatedAt
  }
`);

export const PeopleQuery = graphql(`
  query People($listId: ID!, $first: Int, $after: String, $status: PersonStatusFilter, $search: String, $sort: PersonSort) {
    people(listId: $listId, first: $first, after: $after, status: $status, search: $search, sort: $sort) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { ...PersonRow } }
    }
  }
`);

export const PersonQuery = graphql(`
  query Person($id: ID!) {
    person(id: $id) {
      ...PersonRow
      listId sourceAnchor
      auditTrail(first: 30) { id at action actor { label type } changes { field before after } }
    }
  }
`);

export const CreatePersonMutation = graphql(`
  mutation CreatePerson($listId: ID!, $values: JSONObject!) {
    createPerson(listId: $listId, values: $values) { ...PersonRow }
  }
`);

export const UpdatePersonMutation = graphql(`
  mutation UpdatePerson($id: ID!, $values: JSONObject!) {
    updatePerson(id: $id, values: $values) { ...PersonRow }
  }
`);

export const DeactivatePersonMutation = graphql(`
  mutation DeactivatePerson($id: ID!) {
    deactivatePerson(id: $id) { ...PersonRow }
  }
`);

export const ReactivatePersonMutation = graphql(`
  mutation ReactivatePerson($id: ID!) {
    reactivatePerson(id: $id) { ...PersonRow }
  }
`);

export const ErasePersonMutation = graphql(`
  mutation ErasePerson($id: ID!) {
    erasePerson(id: $id)
  }
`);

// The changed person comes along (null once erased), so the cache updates rows in place.
export const PersonChangedSubscription = graphql(`
  subscription PersonChanged($listId: ID!) {
    personChanged(listId: $listId) { personId kind person { ...PersonRow } }
  }
`);
