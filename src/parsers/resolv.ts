export interface ResolvConf {
  nameservers: string[];
  search: string[];
  options: string[];
}

/** Parses resolv.conf (nameserver, search/domain, options). */
export function parseResolvConf(text: string): ResolvConf {
  const out: ResolvConf = { nameservers: [], search: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*/, '').trim();
    const [k, ...rest] = line.split(/\s+/);
    if (k === 'nameserver' && rest[0]) out.nameservers.push(rest[0]);
    else if (k === 'search' || k === 'domain') out.search = rest;
    else if (k === 'options') out.options.push(...rest);
  }
  return out;
}
