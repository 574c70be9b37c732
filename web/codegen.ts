import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed documents from the committed contract: every operation in src/ is checked against
// ../schema/schema.graphql and gets TypeScript types for its variables and result.
const config: CodegenConfig = {
  schema: '../schema/schema.graphql',
  documents: ['src/**/*.{ts,vue}', '!src/gql/**/*'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', JSON: 'unknown', JSONObject: 'Record<string, unknown>' },
      },
      presetConfig: { fragmentMasking: false },
    },
  },
};
export default config;
