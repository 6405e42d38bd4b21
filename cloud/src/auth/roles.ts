/** Who someone is in an organisation. A leaf module: routes, services and repositories all speak it; the list is the API contract's. */
export { ROLES, type Role } from '@smartstock/api';
