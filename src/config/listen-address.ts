// `--listen` binds loopback unless the operator names a host: metrics are not for the world by default.
export interface ListenAddress {
  host: string;
  port: number;
}

export const LISTEN_FORMS = "PORT, :PORT, HOST:PORT or [IPv6]:PORT with PORT 0-65535";

export function parseListenAddress(text: string): ListenAddress | undefined {
  const trimmed = text.trim();
  const match = /^(?:(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):)?(\d{1,5})$/.exec(trimmed);
  if (!match) return undefined;
  const port = Number(match[2]);
  if (port > 65535) return undefined;
  const rawHost = match[1] ?? "";
  const host = rawHost === "" ? "127.0.0.1" : rawHost.replace(/^\[(.*)\]$/, "$1");
  return { host, port };
}
