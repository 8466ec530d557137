/** Reads counters from etcd's Prometheus endpoint on its client port. */

/** The sum of every sample of `name` whose labels contain all of `labels` (e.g. `grpc_method="LeaseKeepAlive"`). */
export async function metric(endpoint: string, name: string, ...labels: string[]): Promise<number> {
  const text = await (await fetch(`${endpoint}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== ' ' && line[name.length] !== '{')) continue;
    if (!labels.every((l) => line.includes(l))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** Open watch streams on a member (`etcd_debugging_mvcc_watch_stream_total`). */
export const watchStreams = (endpoint: string): Promise<number> =>
  metric(endpoint, 'etcd_debugging_mvcc_watch_stream_total');

/** Open LeaseKeepAlive streams on a member: started minus handled. */
export async function keepAliveStreams(endpoint: string): Promise<number> {
  const started = await metric(endpoint, 'grpc_server_started_total', 'grpc_method="LeaseKeepAlive"');
  const handled = await metric(endpoint, 'grpc_server_handled_total', 'grpc_method="LeaseKeepAlive"');
  return started - handled;
}
