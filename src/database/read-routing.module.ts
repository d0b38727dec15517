import { Global, Module } from '@nestjs/common';
import { ReadReplicas } from './read-replicas';
import { ReadRouter } from './read-router';

/** Read replicas (DATABASE_READ_URLS): their state and the routing of reads. */
@Global()
@Module({
  providers: [ReadReplicas, ReadRouter],
  exports: [ReadReplicas, ReadRouter],
})
export class ReadRoutingModule {}
