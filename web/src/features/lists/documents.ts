import { graphql } from '../../gql';

export const FieldPartsFragment = graphql(`
  fragment FieldParts on Field {
    id key label type required description position isUid locked lockedBy
  }
`);

export const MasterListsQuery = graphql(`
  query MasterLists($includeArchived: Boolean) {
    masterLists(includeArchived: $includeArchived) {
      id name description archived activeCount inactiveCount syncProvider updatedAt
      uidField { id key label }
    }
  }
`);

export const MasterListQuery = graphql(`
  query MasterList($id: ID!) {
    masterList(id: $id) {
      id name description archived activeCount inactiveCount syncProvider createdAt updatedAt
      uidField { id }
      fields { ...FieldParts }
    }
  }
`);

export const CreateMasterListMutation = graphql(`
  mutation CreateMasterList($input: CreateMasterListInput!) {
    createMasterList(input: $input) { id name }
  }
`);

export const RenameMasterListMutation = graphql(`
  mutation RenameMasterList($id: ID!, $name: String!) {
    renameMasterList(id: $id, name: $name) { id name }
  }
`);

export const ArchiveMasterListMutation = graphql(`
  mutation ArchiveMasterList($id: ID!) {
    archiveMasterList(id: $id) { id archived }
  }
`);

export const UnarchiveMasterListMutation = graphql(`
  mutation UnarchiveMasterList($id: ID!) {
    unarchiveMasterList(id: $id) { id archived }
  }
`);

export const AddFieldMutation = graphql(`
  mutation AddField($listId: ID!, $input: FieldInput!) {
    addField(listId: $listId, input: $input) { ...FieldParts }
  }
`);

export const UpdateFieldMutation = graphql(`
  mutation UpdateField($id: ID!, $input: UpdateFieldInput!) {
    updateField(id: $id, input: $input) { ...FieldParts }
  }
`);

export const ReorderFieldsMutation = graphql(`
  mutation ReorderFields($listId: ID!, $fieldIds: [ID!]!) {
    reorderFields(listId: $listId, fieldIds: $fieldIds) { ...FieldParts }
  }
`);

export const RemoveFieldMutation = graphql(`
  mutation RemoveField($id: ID!) {
    removeField(id: $id)
  }
`);

export const SetUidFieldMutation = graphql(`
  mutation SetUidField($listId: ID!, $fieldId: ID!) {
    setUidField(listId: $listId, fieldId: $fieldId) { id fields { ...FieldParts } }
  }
`);

/** Every field type, in the order the type pickers offer them. */
export const FIELD_TYPES = ['TEXT', 'EMAIL', 'PHONE', 'NUMBER', 'DATE', 'BOOLEAN', 'URL', 'PHOTO'] as const;

/** Types that can identify people (the UID): not yes/no, not pictures. */
export const UID_TYPES = FIELD_TYPES.filter((t) => t !== 'BOOLEAN' && t !== 'PHOTO');

/** What each field type holds, for pickers. */
export const FIELD_TYPE_LABELS: Record<(typeof FIELD_TYPES)[number], string> = {
  TEXT: 'Text',
  EMAIL: 'Email address',
  PHONE: 'Phone number',
  NUMBER: 'Number',
  DATE: 'Date',
  BOOLEAN: 'Yes / no',
  URL: 'Web address (URL)',
  PHOTO: 'Photo (URL)',
};

/** Suggests a field key from a label: "Employee ID" -> "employee_id". */
export function keyFromLabel(label: string): string {
  if (!label.trim()) return '';
  const k = label.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[a-z]/.test(k) ? k.slice(0, 63) : `f_${k}`.slice(0, 63);
}
