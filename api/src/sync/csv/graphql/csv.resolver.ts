import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../../graphql/context.js';
import { signedIn } from '../../../graphql/context.js';
import type { SyncRunsService } from '../../sync-runs.service.js';
import { SyncRunType } from '../../graphql/sync.types.js';
import type { CsvImportsService, CsvImportView } from '../csv-imports.service.js';
import { CsvColumnType, CsvImportOptionsInput, CsvImportPreviewType, CsvImportType, CsvValidationType, SetCsvImportMappingInput, type PossibleDuplicateType } from './csv.types.js';

const presented = (v: CsvImportView) => ({ ...v, previewRun: null, run: null }) as unknown as CsvImportType;

/** CSV import into lists: the file is uploaded over HTTP (POST /api/lists/:listId/imports); the rest is here. */
@Resolver(() => CsvImportType)
export class CsvImportResolver {
  constructor(
    private readonly imports: CsvImportsService,
    private readonly runs: SyncRunsService,
  ) {}

  @Query(() => CsvImportType, { description: 'An uploaded CSV file.' })
  async csvImport(@Arg('id', () => ID, { description: 'Import id.' }) id: string, @Ctx() ctx: Context): Promise<CsvImportType> {
    return presented(await this.imports.get(ctx.em, signedIn(ctx), id));
  }

  @FieldResolver(() => [CsvColumnType], { description: 'The columns with samples and suggested fields (remembered from the last import, else by name).' })
  async columns(@Root() imp: CsvImportType, @Ctx() ctx: Context): Promise<CsvColumnType[]> {
    return this.imports.columns(ctx.em, signedIn(ctx), imp as unknown as CsvImportView);
  }

  @FieldResolver(() => CsvValidationType, { description: 'Checks the whole file against its mapping (type mismatches, required values, UIDs, headers, column counts). BAD_USER_INPUT until the mapping is set.' })
  async validation(
    @Root() imp: CsvImportType,
    @Arg('first', () => Int, { defaultValue: 100, description: 'How many problems to return, at most 1000.' }) first: number,
    @Ctx() ctx: Context,
  ): Promise<CsvValidationType> {
    const v = await this.imports.validate(ctx.em, signedIn(ctx), imp as unknown as CsvImportView, Math.max(0, Math.min(first, 1000)));
    return { ...v, problems: v.problems as CsvValidationType['problems'], problemsUrl: `/api/imports/${imp.id}/problems.csv` };
  }

  @FieldResolver(() => SyncRunType, { nullable: true, description: 'The latest preview (a dry run).' })
  async previewRun(@Root() imp: CsvImportType, @Ctx() ctx: Context): Promise<SyncRunType | null> {
    return imp.previewRunId ? this.runs.get(ctx.em, signedIn(ctx), imp.previewRunId) : null;
  }

  @FieldResolver(() => SyncRunType, { nullable: true, description: 'The commit run, once committed.' })
  async run(@Root() imp: CsvImportType, @Ctx() ctx: Context): Promise<SyncRunType | null> {
    return imp.runId ? this.runs.get(ctx.em, signedIn(ctx), imp.runId) : null;
  }

  @Mutation(() => CsvImportType, { description: "Maps the file's columns onto fields (creating fields on the way) and chooses the UID column; remembered for the list's next import. Admins only." })
  async setCsvImportMapping(@Arg('input', () => SetCsvImportMappingInput, { description: 'The mapping.' }) input: SetCsvImportMappingInput, @Ctx() ctx: Context): Promise<CsvImportType> {
    return presented(await this.imports.setMapping(ctx.em, signedIn(ctx), input.importId, input));
  }

  @Mutation(() => CsvImportPreviewType, { description: 'What committing would do (a dry run of the engine): counts, first changes with before and after, possible duplicates. Nothing is written. Admins only.' })
  async previewCsvImport(@Arg('input', () => CsvImportOptionsInput, { description: 'How the file would be imported.' }) input: CsvImportOptionsInput, @Ctx() ctx: Context): Promise<CsvImportPreviewType> {
    const viewer = signedIn(ctx);
    const p = await this.imports.preview(ctx.em, viewer, input.importId, input);
    return {
      run: await this.runs.get(ctx.em.fork(), viewer, p.runId),
      possibleDuplicates: p.duplicates.map((d) => ({ uid: d.uid, values: d.row, personId: d.personId, personUid: d.personUid, personValues: d.personValues, reason: d.reason }) as PossibleDuplicateType),
    };
  }

  @Mutation(() => SyncRunType, {
    description: 'Commits the file as a sync run of source csv (follow it with syncRunProgress). BAD_USER_INPUT when a row has an error and skipInvalidRows is false; CONFLICT while another run of the list is active. Admins only.',
  })
  async commitCsvImport(@Arg('input', () => CsvImportOptionsInput, { description: 'How to import the file.' }) input: CsvImportOptionsInput, @Ctx() ctx: Context): Promise<SyncRunType> {
    const viewer = signedIn(ctx);
    const runId = await this.imports.commit(ctx.em, viewer, input.importId, input);
    return this.runs.get(ctx.em.fork(), viewer, runId);
  }
}
