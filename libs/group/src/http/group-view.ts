import { toContract, type GroupState, type MemberState } from '../domain/group.model';
import type { GroupDto } from './dtos/group.dto';
import type { MemberDto } from './dtos/group-parts.dto';

export const toMemberView = (m: MemberState): MemberDto => ({ personId: m.personId, role: m.role, from: m.from, to: m.to });

/** What the API answers for a group: the contract shape (as on the topics) plus its version. */
export function toGroupView(state: GroupState, version: number): GroupDto {
  const g = toContract(state);
  return {
    id: g.id,
    organisationId: g.organisationId,
    name: g.name,
    type: g.type,
    sport: g.sport ?? null,
    members: state.members.map(toMemberView),
    status: g.status,
    externalIds: g.externalIds ?? [],
    version,
  };
}
