import { graphql } from '../../gql';

export const CsvImportQuery = graphql(`
  query CsvImport($id: ID!) {
    csvImport(id: $id) {
      id listId fileName byteSize encoding delimiter headers sampleRows rowCount uidColumn
      mapping { column fieldKey transform }
      columns { name position samples suggestedFieldKey suggestedType suggestedUid }
    }
  }
`);

export const CsvValidationQuery = graphql(`
  query CsvValidation($id: ID!, $first: Int!) {
    csvImport(id: $id) {
      id
      validation(first: $first) { rowCount validRows invalidRows errorCount warningCount problemsUrl problems { row column severity message } }
    }
  }
`);

export const SetCsvImportMappingMutation = graphql(`
  mutation SetCsvImportMapping($input: SetCsvImportMappingInput!) {
    setCsvImportMapping(input: $input) { id uidColumn mapping { column fieldKey transform } }
  }
`);

export const PreviewCsvImportMutation = graphql(`
  mutation PreviewCsvImport($input: CsvImportOptionsInput!) {
    previewCsvImport(input: $input) {
      run { ...SyncRunParts }
      possibleDuplicates { uid values personId personUid personValues reason }
    }
  }
`);

export const CommitCsvImportMutation = graphql(`
  mutation CommitCsvImport($input: CsvImportOptionsInput!) {
    commitCsvImport(input: $input) { ...SyncRunParts }
  }
`);

/** What the upload endpoint answers (POST /api/lists/:listId/imports). */
export interface UploadedImport {
  id: string;
  fileName: string;
  rowCount: number;
}

/** Words for how a file was read. */
export const ENCODINGS: Record<string, string> = { UTF8: 'UTF-8', UTF8_BOM: 'UTF-8 with BOM', UTF16LE: 'UTF-16 (little-endian)', UTF16BE: 'UTF-16 (big-endian)' };
export const DELIMITERS: Record<string, string> = { ',': 'commas', ';': 'semicolons', '\t': 'tabs' };

/**
 * Uploads a file to a list with progress (XMLHttpRequest reports upload progress; fetch does
 * not). The session cookie authenticates it, as it does GraphQL. Rejects with the server's
 * { code, message } on refusal.
 */
export function uploadCsv(listId: string, file: File, onProgress: (fraction: number) => void): Promise<UploadedImport> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/lists/${encodeURIComponent(listId)}/imports?fileName=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('Content-Type', 'text/csv');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: { import?: UploadedImport; error?: { code: string; message: string } } = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        /* not JSON: a proxy's page */
      }
      if (xhr.status === 201 && body.import) resolve(body.import);
      else reject(body.error ?? { code: xhr.status === 413 ? 'BAD_USER_INPUT' : 'INTERNAL_SERVER_ERROR', message: xhr.status === 413 ? 'The file is too large.' : `The upload failed (HTTP ${xhr.status}).` });
    };
    xhr.onerror = () => reject({ code: 'NETWORK', message: 'Check your connection; the server did not answer. Try again in a moment.' });
    xhr.send(file);
  });
}
