// The mutating routes whose authorization matrix lives in api-admin.test.ts (variables,
// connections, pools, users, tokens): api.test.ts checks every other mutating route.
export const ADMIN_MATRIX_ROUTES: readonly string[] = [
  'createVariable',
  'patchVariable',
  'deleteVariable',
  'createConnection',
  'patchConnection',
  'deleteConnection',
  'deletePool',
  'createUser',
  'patchUser',
  'revokeToken',
];
