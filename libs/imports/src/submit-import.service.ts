import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Problems, type FieldError } from '@stafett/api';
import { contractType, ENTITY_TYPES, entityContracts, type EntityName } from '@stafett/contracts';
import { ReasonCode } from '@stafett/domain';
import { contractErrors, MAX_RECORD_BYTES } from '@stafett/kafka';
import { describeError } from '@stafett/observability';
import { ImportBatchEntity } from './database/import-batch.entity';
import type { ImportRequestDto } from './dtos/import-request.dto';
import { ImportRecordPublisher, type ImportRecordValue } from './import-record.publisher';
import { IMPORTS_OPTIONS, type ImportsModuleOptions } from './imports-options';

const isEntityName = (v: string): v is EntityName => (ENTITY_TYPES as readonly string[]).includes(v);

/**
 * `POST /v1/imports`: checks every record (an entity type whose service runs here, a payload that
 * encodes with that entity's import contract) and refuses the whole request naming each bad
 * record; else stores the batch, then produces its records and answers once Kafka has them all.
 * Rules beyond the contract (personnummer, matching…) are the domain service's: they come back as
 * results in the batch's report.
 */
@Injectable()
export class SubmitImportService {
  private readonly log = new Logger('imports');
  private readonly accepted: readonly EntityName[];

  constructor(
    @InjectRepository(ImportBatchEntity) private readonly batches: Repository<ImportBatchEntity>,
    private readonly publisher: ImportRecordPublisher,
    @Inject(IMPORTS_OPTIONS) options: ImportsModuleOptions,
  ) {
    this.accepted = options.entityTypes ?? ['person'];
  }

  /** `scope`: the organisation the submitting API key is bound to (null: a global key); stored with the batch and sent with every record. */
  async submit(request: ImportRequestDto, scope: string | null = null): Promise<{ batchId: string }> {
    const batchId = randomUUID();
    const receivedAt = new Date();
    const source = { system: request.source.system, connectorId: request.source.connectorId ?? null };
    const errors: FieldError[] = [];
    const invalid = new Set<number>();
    const records: { entityType: EntityName; value: ImportRecordValue }[] = [];
    request.records.forEach((r, i) => {
      const at = `records[${i}]`;
      const entityType = r.entityType;
      if (!isEntityName(entityType) || !this.accepted.includes(entityType)) {
        invalid.add(i);
        errors.push({
          field: `${at}.entityType`,
          code: ReasonCode.INVALID_ENUM,
          message: `No service takes "${entityType}" imports here; entityType must be one of: ${this.accepted.join(', ')}.`,
        });
        return;
      }
      const value: ImportRecordValue = { recordId: randomUUID(), batchId, source, externalId: r.externalId, op: r.op, receivedAt, payload: r.payload ?? null };
      const found = contractErrors(contractType(entityContracts(entityType).importRecord), value, at);
      if (found.length > 0) {
        invalid.add(i);
        errors.push(...found);
        return;
      }
      records.push({ entityType, value });
    });
    if (errors.length > 0) {
      throw Problems.validation(errors, `${invalid.size} of ${request.records.length} records are invalid; nothing was imported.`);
    }
    // Encoded before anything is stored: a record that can never be produced is refused now, not left PENDING.
    const messages = await this.publisher.encode(records, scope);
    const tooLarge = messages.flatMap((m, i) => (m.value.length > MAX_RECORD_BYTES ? [i] : []));
    if (tooLarge.length > 0) {
      throw Problems.validation(
        tooLarge.map((i) => ({
          field: `records[${i}]`,
          code: ReasonCode.TOO_LONG,
          message: `The record is ${messages[i].value.length} bytes encoded; at most ${MAX_RECORD_BYTES} are accepted.`,
        })),
        `${tooLarge.length} of ${request.records.length} records are too large; nothing was imported.`,
      );
    }

    // Stored first: the results consumer keeps results only of batches it knows.
    await this.batches.insert({ id: batchId, sourceSystem: source.system, total: records.length, scopeOrganisationId: scope });
    try {
      await this.publisher.send(messages);
    } catch (e) {
      this.log.error({ batchId, error: describeError(e, 1_000) }, 'import records could not be produced');
      // No orphan: the batch the client is told to send again is not left PENDING (results of records that did get through are dropped).
      await this.batches.delete({ id: batchId }).catch(() => undefined);
      throw Problems.unavailable(
        'The records could not be handed to Kafka, so the batch may be incomplete; send the whole request again (records already applied come back UNCHANGED).',
      );
    }
    return { batchId };
  }
}
