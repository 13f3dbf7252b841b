export { poolOf } from '@stafett/persistence';
