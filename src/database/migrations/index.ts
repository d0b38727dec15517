import { UsersGroupsKeys1763780000000 } from './1763780000000-UsersGroupsKeys';
import { ModelsAndGrants1763780100000 } from './1763780100000-ModelsAndGrants';
import { GatewayNewestIndex1763780200000 } from './1763780200000-GatewayNewestIndex';
import { SearchStatistics1763780300000 } from './1763780300000-SearchStatistics';
import { CoveringListIndexes1763780400000 } from './1763780400000-CoveringListIndexes';
import { ApiKeyReadOnly1796034262074 } from './1796034262074-ApiKeyReadOnly';
import { GroupNamesIgnoreCase1796034400000 } from './1796034400000-GroupNamesIgnoreCase';
import { UserDirectoryIndexes1796038402000 } from './1796038402000-UserDirectoryIndexes';
import { ModelVersionsAndHistory1796044301915 } from './1796044301915-ModelVersionsAndHistory';
import { SignInFailures1796044313235 } from './1796044313235-SignInFailures';
import { ChangeTracking1796044313970 } from './1796044313970-ChangeTracking';
import { ModelReaders1796044466221 } from './1796044466221-ModelReaders';
import { ScopedChangeTracking1796048342849 } from './1796048342849-ScopedChangeTracking';
import { AuditLog1796048624036 } from './1796048624036-AuditLog';
import { CapabilityIndex1796050561280 } from './1796050561280-CapabilityIndex';
import { AuditRetention1796081713354 } from './1796081713354-AuditRetention';
import { CallerChangeNotifications1796090000000 } from './1796090000000-CallerChangeNotifications';
import { PublicModelFilters1796091000000 } from './1796091000000-PublicModelFilters';
import { GroupsBefore1796094912377 } from './1796094912377-GroupsBefore';
import { ModelCounts1796104194922 } from './1796104194922-ModelCounts';
import { PrivateModelFilters1796112000000 } from './1796112000000-PrivateModelFilters';
import { PrivateGrantCounts1796120000000 } from './1796120000000-PrivateGrantCounts';
import { FilterCopiesCreated1796130000000 } from './1796130000000-FilterCopiesCreated';
import { SetBasedAccessRefresh1796140000000 } from './1796140000000-SetBasedAccessRefresh';

/** Every migration, in order. Listed by class so they run the same from ts (tests) and js (dist). */
export const MIGRATIONS = [
  UsersGroupsKeys1763780000000,
  ModelsAndGrants1763780100000,
  GatewayNewestIndex1763780200000,
  SearchStatistics1763780300000,
  CoveringListIndexes1763780400000,
  ApiKeyReadOnly1796034262074,
  GroupNamesIgnoreCase1796034400000,
  UserDirectoryIndexes1796038402000,
  ModelVersionsAndHistory1796044301915,
  SignInFailures1796044313235,
  ChangeTracking1796044313970,
  ModelReaders1796044466221,
  ScopedChangeTracking1796048342849,
  AuditLog1796048624036,
  CapabilityIndex1796050561280,
  AuditRetention1796081713354,
  CallerChangeNotifications1796090000000,
  PublicModelFilters1796091000000,
  GroupsBefore1796094912377,
  ModelCounts1796104194922,
  PrivateModelFilters1796112000000,
  PrivateGrantCounts1796120000000,
  FilterCopiesCreated1796130000000,
  SetBasedAccessRefresh1796140000000,
];
