import { Inject, Injectable } from '@nestjs/common';
import { Problems } from '@stafett/api';
import { ConnectorConfigError, RunConflictError, RuntimeStoppedError, SourceRuntime, type RunInput, type RunIssue, type RunView } from '@stafett/connector-sdk';
import { AgreementStore, type StoredAgreement } from './database/agreement.store';
import { CONNECTOR_TYPES, ORGANISATION_SUBTREES, type ConnectorTypes, type OrganisationSubtrees } from './connectors-options';
import { checkAgreement, toContract, type AgreementDocument, type AgreementInput } from './domain/agreement-schema';
import { AgreementPublisher } from './publishing/agreement.publisher';

export type ConnectorState = 'RUNNING' | 'PAUSED' | 'FAILED';

export interface ConnectorListItem {
  readonly connectorId: string;
  readonly connectorType: string;
  readonly name: string;
  readonly organisationId: string;
  readonly direction: string;
  readonly state: ConnectorState;
  readonly lastRun: RunView | null;
}

export interface ConnectorStatus {
  readonly connectorId: string;
  readonly agreement: AgreementDocument;
  readonly state: ConnectorState;
  readonly lastRun: RunView | null;
  readonly totals: { readonly recordsIn: number; readonly recordsOut: number; readonly rejected: number };
  readonly errors: readonly { readonly at: string; readonly code: string; readonly message: string }[];
}

const notFound = () => Problems.notFound('No connector with this id.');

const stateOf = (a: StoredAgreement, lastRun: RunView | undefined): ConnectorState => (a.paused ? 'PAUSED' : lastRun?.status === 'FAILED' ? 'FAILED' : 'RUNNING');

/**
 * The connector management use cases (as Kafka Connect's REST API): agreements created, replaced
 * and deleted with their publication in one transaction, status, pause/resume, reset of the saved
 * state, and runs. `scope`: the organisation of an organisation-scoped key, which sees and manages
 * only the connectors of its subtree (DESIGN §2; everything else is 404, as an unknown id) and
 * creates agreements only for organisations in it; null for a global key.
 */
@Injectable()
export class ConnectorsService {
  constructor(
    private readonly store: AgreementStore,
    private readonly publisher: AgreementPublisher,
    private readonly runtime: SourceRuntime,
    @Inject(CONNECTOR_TYPES) private readonly types: ConnectorTypes,
    @Inject(ORGANISATION_SUBTREES) private readonly tree: OrganisationSubtrees,
  ) {}

  async list(scope: string | null): Promise<{ items: ConnectorListItem[] }> {
    const all = await this.store.list(scope === null ? null : await this.tree.subtree(scope.toLowerCase()));
    const lastRuns = await this.runtime.store.lastRuns(all.map((a) => a.agreement.connectorId));
    return {
      items: all.map((a) => {
        const lastRun = lastRuns.get(a.agreement.connectorId);
        const { connectorId, connectorType, name, organisationId, direction } = a.agreement;
        return { connectorId, connectorType, name, organisationId, direction, state: stateOf(a, lastRun), lastRun: lastRun ?? null };
      }),
    };
  }

  async status(connectorId: string, scope: string | null): Promise<ConnectorStatus> {
    return this.statusOf(await this.visible(connectorId, scope));
  }

  async create(body: unknown, scope: string | null): Promise<ConnectorStatus> {
    const input = await this.checked(body, scope);
    const created = await this.store.transaction(async (tx) => {
      const row = await this.store.insert(tx, input);
      if (row) await this.publisher.append(tx, input.connectorId, row.agreement);
      return row;
    });
    if (!created) throw Problems.conflict(`A connector with the id ${input.connectorId} exists; change it with PUT /v1/connectors/${input.connectorId}.`);
    return this.statusOf(created);
  }

  async replace(connectorId: string, body: unknown, scope: string | null): Promise<ConnectorStatus> {
    await this.visible(connectorId, scope);
    const input = await this.checked(body, scope);
    if (input.connectorId !== connectorId) {
      throw Problems.validation([{ field: 'connectorId', code: 'INVALID_FORMAT', message: 'must be the id of the connector in the path (an id cannot change)' }]);
    }
    const updated = await this.store.transaction(async (tx) => {
      const current = await this.store.get(connectorId, tx, true);
      if (!current || !(await this.sees(scope, current))) return undefined;
      const row = await this.store.update(tx, input);
      await this.publisher.append(tx, connectorId, row.agreement);
      return row;
    });
    if (!updated) throw notFound();
    return this.statusOf(updated);
  }

  async remove(connectorId: string, scope: string | null): Promise<void> {
    await this.visible(connectorId, scope);
    await this.runtime.cancel(connectorId, 'The connector was deleted.');
    await this.store.transaction(async (tx) => {
      await this.store.delete(tx, connectorId);
      await this.publisher.append(tx, connectorId, null);
    });
    await this.runtime.store.forget(connectorId);
  }

  async pause(connectorId: string, scope: string | null): Promise<ConnectorStatus> {
    await this.visible(connectorId, scope);
    await this.store.setPaused(connectorId, true);
    await this.runtime.cancel(connectorId);
    return this.status(connectorId, scope);
  }

  async resume(connectorId: string, scope: string | null): Promise<ConnectorStatus> {
    await this.visible(connectorId, scope);
    await this.store.setPaused(connectorId, false);
    return this.status(connectorId, scope);
  }

  async reset(connectorId: string, scope: string | null): Promise<ConnectorStatus> {
    await this.visible(connectorId, scope);
    if (this.runtime.isRunning(connectorId)) throw Problems.conflict('The connector is running; pause it before forgetting its saved state.');
    await this.runtime.store.resetStates(connectorId);
    return this.status(connectorId, scope);
  }

  /** The connector a run would use, checked before a file is received. */
  async runnable(connectorId: string, scope: string | null): Promise<{ stored: StoredAgreement; acceptsFile: boolean }> {
    const stored = await this.visible(connectorId, scope);
    if (stored.paused) throw Problems.conflict('The connector is paused; resume it first.');
    const connector = this.types.get(stored.agreement.connectorType);
    if (!connector) throw Problems.conflict(`Connectors of type ${stored.agreement.connectorType} do not run in this service.`);
    if (this.runtime.isRunning(connectorId)) throw Problems.conflict('The connector has a run in progress; wait for it or pause the connector.');
    return { stored, acceptsFile: connector.spec().acceptsFile === true };
  }

  /** Starts a run; `cleanup` is called once it ended (or could not start). */
  async run(stored: StoredAgreement, input: RunInput, cleanup: () => void = () => undefined): Promise<{ runId: string }> {
    const connector = this.types.get(stored.agreement.connectorType)!;
    try {
      const started = await this.runtime.startRun({ connector, agreement: toContract(stored.agreement), input });
      void started.done.finally(cleanup);
      return { runId: started.runId };
    } catch (e) {
      cleanup();
      if (e instanceof ConnectorConfigError) throw Problems.validation(e.errors, "The agreement's config no longer fits the connector; change the agreement.");
      if (e instanceof RunConflictError) throw Problems.conflict(e.message);
      if (e instanceof RuntimeStoppedError) throw Problems.unavailable('The service is stopping; start the run again in a moment.');
      throw e;
    }
  }

  async runStatus(connectorId: string, runId: string, scope: string | null): Promise<RunView> {
    await this.visible(connectorId, scope);
    const run = await this.runtime.store.run(connectorId, runId);
    if (!run) throw Problems.notFound('No run with this id.');
    return run;
  }

  async report(connectorId: string, runId: string, scope: string | null): Promise<{ run: RunView; issues: RunIssue[] }> {
    const run = await this.runStatus(connectorId, runId, scope);
    return { run, issues: await this.runtime.store.issues(runId) };
  }

  private async statusOf(stored: StoredAgreement): Promise<ConnectorStatus> {
    const id = stored.agreement.connectorId;
    const lastRun = (await this.runtime.store.lastRuns([id])).get(id);
    const { errors, ...totals } = await this.runtime.store.totals(id);
    return { connectorId: id, agreement: stored.agreement, state: stateOf(stored, lastRun), lastRun: lastRun ?? null, totals, errors };
  }

  /** The connector, if the key may see it: its agreement's organisation is in the key's subtree. Else 404, as an unknown id. */
  private async visible(connectorId: string, scope: string | null): Promise<StoredAgreement> {
    const stored = await this.store.get(connectorId);
    if (!stored || !(await this.sees(scope, stored))) throw notFound();
    return stored;
  }

  private async sees(scope: string | null, stored: StoredAgreement): Promise<boolean> {
    return scope === null || this.tree.containsAny(scope.toLowerCase(), [stored.agreement.organisationId]);
  }

  /** The agreement checked; through a scoped key its organisation must be in the key's subtree (422 naming organisationId, as every invalid field). */
  private async checked(body: unknown, scope: string | null): Promise<AgreementInput> {
    const checked = checkAgreement(body, (type) => this.types.get(type)?.spec());
    if ('errors' in checked) throw Problems.validation(checked.errors, 'The agreement is invalid; see errors.');
    if (scope !== null && !(await this.tree.containsAny(scope.toLowerCase(), [checked.agreement.organisationId]))) {
      throw Problems.validation([{ field: 'organisationId', code: 'OUT_OF_SCOPE', message: "must be an organisation of the API key's subtree" }]);
    }
    return checked.agreement;
  }
}
