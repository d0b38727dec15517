import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ReadReplicas } from './read-replicas';
import { ReadRouter } from './read-router';
import { ReadYourWritesInterceptor } from './read-your-writes.interceptor';

/** Read replicas (DATABASE_READ_URLS): their state, the routing of reads, and read-your-writes. */
@Global()
@Module({
  providers: [ReadReplicas, ReadRouter, { provide: APP_INTERCEPTOR, useClass: ReadYourWritesInterceptor }],
  exports: [ReadReplicas, ReadRouter],
})
export class ReadRoutingModule {}
