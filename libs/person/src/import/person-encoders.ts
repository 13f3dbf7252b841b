import type { ImportResult, Person, PersonChanged } from '@stafett/contracts';
import { contractType, entityContracts, IMPORT_RESULT_CONTRACT, type TopicNames } from '@stafett/contracts';
import type { AvroSerde, Encoder } from '@stafett/kafka';

/** The Avro encoders of the person service's three output topics (registered once at startup). */
export interface PersonEncoders {
  readonly topics: { readonly events: string; readonly state: string; readonly results: string };
  readonly event: Encoder<PersonChanged>;
  readonly state: Encoder<Person>;
  readonly result: Encoder<ImportResult>;
}

export async function createPersonEncoders(serde: AvroSerde, names: TopicNames): Promise<PersonEncoders> {
  const contracts = entityContracts('person');
  const topics = { events: names.events('person'), state: names.state('person'), results: names.importResults };
  const [event, state, result] = await Promise.all([
    serde.encoderFor<PersonChanged>(topics.events, contractType(contracts.changed)),
    serde.encoderFor<Person>(topics.state, contractType(contracts.state)),
    serde.encoderFor<ImportResult>(topics.results, contractType(IMPORT_RESULT_CONTRACT)),
  ]);
  return { topics, event, state, result };
}
