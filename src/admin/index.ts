export { status, health, endpointClient, type EndpointStatus, type Health } from './status.js';
export { members, currentRevision, compact, type Member } from './cluster.js';
