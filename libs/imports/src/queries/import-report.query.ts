import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ImportBatchEntity } from '../database/import-batch.entity';
import { ImportResultEntity } from '../database/import-result.entity';
import type { ImportCountsDto, ImportReportDto } from '../dtos/import-report.dto';

/** The report of a batch: its results so far, counted by outcome; DONE when every record has one. */
@Injectable()
export class ImportReportQuery {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** `scope`: the organisation of the asking API key; a scoped key gets only batches submitted under the same scope (else undefined, as for an unknown batch). */
  async report(batchId: string, scope: string | null = null): Promise<ImportReportDto | undefined> {
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
      const batch = await m.findOne(ImportBatchEntity, { where: { id: batchId } });
      if (!batch || (scope !== null && batch.scopeOrganisationId !== scope)) return undefined;
      const rows = await m.find(ImportResultEntity, { where: { batchId }, order: { externalId: 'ASC', recordId: 'ASC' } });
      const counts: ImportCountsDto = { created: 0, updated: 0, unchanged: 0, deleted: 0, rejected: 0 };
      for (const r of rows) {
        const key = r.outcome.toLowerCase() as keyof ImportCountsDto;
        if (key in counts) counts[key]++;
      }
      return {
        batchId: batch.id,
        status: rows.length >= batch.total ? 'DONE' : 'PENDING',
        counts,
        results: rows.map((r) => ({
          recordId: r.recordId,
          batchId: r.batchId,
          entityType: r.entityType,
          externalId: r.externalId,
          outcome: r.outcome,
          entityId: r.entityId,
          version: r.version,
          reasons: r.reasons.map((x) => ({ code: x.code, field: x.field ?? null, message: x.message })),
        })),
      };
    });
  }
}
