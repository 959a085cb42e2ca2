/**
 * Types for the undici modules undici-parts.ts loads by path (undici types its index only): the
 * same classes and functions the index exports, so they carry the index's own types.
 */
declare module 'undici/lib/dispatcher/agent.js' {
  import type { Agent } from 'undici';
  const AgentClass: typeof Agent;
  export default AgentClass;
}

declare module 'undici/lib/api/index.js' {
  import type { Dispatcher } from 'undici';
  const api: { request(this: Dispatcher, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> };
  export default api;
}

declare module 'undici/lib/web/fetch/formdata.js' {
  import type { FormData } from 'undici';
  const formData: { FormData: typeof FormData };
  export default formData;
}
