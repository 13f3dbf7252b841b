import type { FactoryProvider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { poolOf } from '@stafett/entity-pipeline';
import { ChangeLogStore } from './change-log.store';

/** The pg pool under the app's DataSource: the change log runs plain SQL on it. */
export const CHANGES_POOL = Symbol('CHANGES_POOL');

export const changesPoolProvider: FactoryProvider<Pool> = { provide: CHANGES_POOL, inject: [getDataSourceToken()], useFactory: (dataSource: DataSource) => poolOf(dataSource) };

export const changeLogStoreProvider: FactoryProvider<ChangeLogStore> = { provide: ChangeLogStore, inject: [CHANGES_POOL], useFactory: (pool: Pool) => new ChangeLogStore(pool) };
