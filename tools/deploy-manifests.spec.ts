// deploy/ checked statically (no cluster here): every manifest parses, every pod is locked down
// and probed on a port it has, Services and PodDisruptionBudgets find their pods, certificates
// carry the SPIFFE identities the registry uses and are mounted where the configuration looks,
// the NetworkPolicies allow exactly the documented paths, and the ConfigMap's tessera.yaml loads
// with the real schema inside each pod: with that pod's environment and only the files it mounts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import YAML from 'yaml';
import { ConfigError, checkSecrets, loadConfig, requireApp, type AppName, type TesseraConfig } from '@tessera/config';

const root = join(import.meta.dirname, '..');
const deploy = join(root, 'deploy');
const base = join(deploy, 'base');

// --- Just enough of the Kubernetes types for these checks.
type Labels = Record<string, string>;
interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}
interface Metadata {
  name: string;
  namespace?: string;
  labels?: Labels;
}
interface Probe {
  httpGet?: { path?: string; port: number | string };
  tcpSocket?: { port: number | string };
  grpc?: { port: number };
  exec?: { command: string[] };
}
interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type: string };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  securityContext?: SecurityContext;
  resources?: { requests?: { cpu?: string; memory?: string }; limits?: { cpu?: string; memory?: string } };
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean; subPath?: string }[];
}
interface Volume {
  name: string;
  configMap?: { name: string };
  secret?: { secretName: string };
  emptyDir?: { medium?: string; sizeLimit?: string };
}
interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  terminationGracePeriodSeconds?: number;
  securityContext?: SecurityContext;
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
}
interface PodTemplate {
  metadata: { labels?: Labels };
  spec: PodSpec;
}
interface Workload {
  kind: 'Deployment' | 'Job';
  metadata: Metadata;
  spec: { replicas?: number; selector?: LabelSelector; template: PodTemplate };
}
interface Service {
  kind: 'Service';
  metadata: Metadata;
  spec: { selector?: Labels; ports: { name?: string; port: number; targetPort?: number | string }[] };
}
interface Certificate {
  kind: 'Certificate';
  metadata: Metadata;
  spec: {
    secretName: string;
    issuerRef: { name: string; kind?: string };
    duration?: string;
    renewBefore?: string;
    privateKey?: { algorithm?: string; size?: number };
    usages?: string[];
    uris?: string[];
    dnsNames?: string[];
  };
}
interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}
interface PolicyRule {
  from?: PolicyPeer[];
  to?: PolicyPeer[];
  ports?: { protocol?: string; port?: number | string }[];
}
interface NetworkPolicy {
  kind: 'NetworkPolicy';
  metadata: Metadata;
  spec: { podSelector: LabelSelector; policyTypes?: ('Ingress' | 'Egress')[]; ingress?: PolicyRule[]; egress?: PolicyRule[] };
}
interface ConfigMap {
  kind: 'ConfigMap';
  metadata: Metadata;
  data: Record<string, string>;
}
interface Manifest {
  kind: string;
  apiVersion: string;
  metadata: Metadata;
}

// The deployable apps: Deployment name → the section of tessera.yaml it runs.
const APPS = { tokenmanager: 'tokenmanager', 'idp-gateway': 'idpGateway', authserver: 'authserver' } as const satisfies Record<string, AppName>;
type App = keyof typeof APPS;
const appNames = Object.keys(APPS) as App[];
// The migration Jobs: Job name → the app whose database it migrates (with that app's image).
const MIGRATIONS = { 'tokenmanager-migrate': 'tokenmanager', 'authserver-migrate': 'authserver' } as const satisfies Record<string, App>;

// --- Loading.
function readKustomization(dir: string): { resources?: string[] } {
  return YAML.parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as { resources?: string[] };
}

function parseManifests(path: string): Manifest[] {
  const docs = YAML.parseAllDocuments(readFileSync(path, 'utf8'));
  const out: Manifest[] = [];
  for (const doc of docs) {
    if ('errors' in doc && doc.errors.length > 0) throw new Error(`${path}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS() as Manifest | null;
    if (value !== null) out.push(value);
  }
  return out;
}

const resources = readKustomization(base).resources ?? [];
const manifests = resources.flatMap((r) => (existsSync(join(base, r)) ? parseManifests(join(base, r)) : []));
const ofKind = <T>(kind: string) => manifests.filter((m) => m.kind === kind) as unknown as T[];
const deployments = ofKind<Workload>('Deployment');
const jobs = ofKind<Workload>('Job');
const workloads = [...deployments, ...jobs];
const services = ofKind<Service>('Service');
const certificates = ofKind<Certificate>('Certificate');
const policies = ofKind<NetworkPolicy>('NetworkPolicy');
const configMaps = ofKind<ConfigMap>('ConfigMap');
const namespace = ofKind<{ metadata: Metadata }>('Namespace')[0];

function named<T extends { metadata: Metadata }>(list: T[], name: string, kind: string): T {
  const found = list.find((o) => o.metadata.name === name);
  assert.ok(found, `${kind} ${name} is in deploy/base`);
  return found;
}
const deployment = (app: App) => named(deployments, app, 'Deployment');
const containersOf = (w: Workload) => [...(w.spec.template.spec.initContainers ?? []), ...w.spec.template.spec.containers];
/** The app a workload runs: a Deployment is named after it, a migration Job after its app. */
function appOf(w: Workload): App {
  const app = w.kind === 'Job' ? MIGRATIONS[w.metadata.name as keyof typeof MIGRATIONS] : (w.metadata.name as App);
  assert.ok(appNames.includes(app), `${w.kind} ${w.metadata.name} runs one of ${appNames.join(', ')}`);
  return app;
}
const mainContainer = (w: Workload) => {
  const c = w.spec.template.spec.containers[0];
  assert.ok(c, `${w.metadata.name} has a container`);
  return c;
};

function selects(selector: LabelSelector | undefined, labels: Labels | undefined): boolean {
  const have = labels ?? {};
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) if (have[k] !== v) return false;
  for (const e of selector?.matchExpressions ?? []) {
    const value = have[e.key];
    const ok =
      e.operator === 'In' ? value !== undefined && (e.values ?? []).includes(value)
      : e.operator === 'NotIn' ? value === undefined || !(e.values ?? []).includes(value)
      : e.operator === 'Exists' ? value !== undefined
      : value === undefined;
    if (!ok) return false;
  }
  return true;
}

// --- Files.
test('every resource listed in base/kustomization.yaml exists and parses', () => {
  assert.ok(resources.length > 0, 'base lists its resources');
  for (const r of resources) {
    const path = join(base, r);
    assert.ok(existsSync(path), `${r} exists`);
    const docs = parseManifests(path);
    assert.ok(docs.length > 0, `${r} holds at least one object`);
    for (const doc of docs) {
      assert.ok(doc.apiVersion && doc.kind && doc.metadata?.name, `${r}: every object has apiVersion, kind and metadata.name`);
      if (doc.kind !== 'Namespace') assert.equal(doc.metadata.namespace, 'tessera', `${r}: ${doc.kind}/${doc.metadata.name} is in namespace tessera`);
    }
  }
  const overlay = join(deploy, 'overlays', 'example');
  for (const r of readKustomization(overlay).resources ?? []) assert.ok(existsSync(join(overlay, r)), `overlay resource ${r} exists`);
  for (const file of ['Dockerfile', 'Dockerfile.dockerignore', 'README.md']) assert.ok(existsSync(join(deploy, file)), `deploy/${file} exists`);
});

test('the image: built per app, non-root, tsx without a writable cache, no local state in the context', () => {
  const dockerfile = readFileSync(join(deploy, 'Dockerfile'), 'utf8');
  assert.match(dockerfile, /node:20-bookworm-slim/);
  const users = [...dockerfile.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
  assert.ok(users.length > 0 && users.every((u) => u !== undefined && !/^(0|root)(:|$)/.test(u)), `runs as non-root (USER ${users.join(', ')})`);
  assert.match(dockerfile, /^ENTRYPOINT \["node", "--import", "tsx", /m);
  assert.match(dockerfile, /TSX_DISABLE_CACHE=1/, 'tsx would crash writing its cache to a read-only filesystem');
  // The install stage has only the manifests: the root `prepare` (the CLI's build) cannot run there.
  assert.match(dockerfile, /^RUN npm ci --ignore-scripts /m, 'npm ci without lifecycle scripts');
  const scripts = (JSON.parse(readFileSync(join(deploy, '../package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean; dev?: boolean }> }).packages;
  // Those with one, and why the images do without it: protobufjs only checks its version;
  // esbuild's puts its native binary in place of a JS shim (tsx calls its API, which finds the
  // binary in @esbuild/<platform> itself); buf and nx are tools of the repository, not run in an image.
  const known = ['node_modules/protobufjs', 'node_modules/esbuild', 'node_modules/@bufbuild/buf', 'node_modules/nx'];
  const unknown = Object.entries(scripts).filter(([name, p]) => p.hasInstallScript && !known.includes(name)).map(([name]) => name);
  assert.deepEqual(unknown, [], 'a dependency with an install script the images skip: check it works without');
  for (const app of appNames) assert.match(dockerfile, new RegExp(`[|\\s]${app}[|)]`), `APP=${app} is accepted`);
  const ignored = readFileSync(join(deploy, 'Dockerfile.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
  for (const entry of ['**/node_modules', '.dev', '.nx', '.git', 'config']) assert.ok(ignored.includes(entry), `context excludes ${entry}`);
});

// --- Pods.
for (const w of workloads) {
  test(`${w.kind} ${w.metadata.name}: locked down, limited, configured`, () => {
    const pod = w.spec.template.spec;
    assert.equal(pod.automountServiceAccountToken, false, 'no service account token in the pod');
    const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
    for (const c of containersOf(w)) {
      const sc = { ...pod.securityContext, ...c.securityContext };
      assert.equal(sc.runAsNonRoot, true, `${c.name}: runAsNonRoot`);
      assert.ok(sc.runAsUser !== undefined && sc.runAsUser > 0, `${c.name}: runAsUser is not root`);
      assert.equal(c.securityContext?.readOnlyRootFilesystem, true, `${c.name}: readOnlyRootFilesystem`);
      assert.equal(c.securityContext?.allowPrivilegeEscalation, false, `${c.name}: allowPrivilegeEscalation false`);
      assert.notEqual(c.securityContext?.privileged, true, `${c.name}: not privileged`);
      assert.ok(c.securityContext?.capabilities?.drop?.includes('ALL'), `${c.name}: drops ALL capabilities`);
      assert.deepEqual(c.securityContext?.capabilities?.add ?? [], [], `${c.name}: adds no capability`);
      assert.equal(sc.seccompProfile?.type, 'RuntimeDefault', `${c.name}: seccomp RuntimeDefault`);
      assert.ok(c.resources?.limits?.cpu && c.resources.limits.memory, `${c.name}: cpu and memory limits`);
      assert.ok(c.resources?.requests?.cpu && c.resources.requests.memory, `${c.name}: cpu and memory requests`);

      const env = new Map((c.env ?? []).map((e) => [e.name, e.value]));
      assert.equal(env.get('TESSERA_CONFIG'), '/etc/tessera/tessera.yaml', `${c.name}: TESSERA_CONFIG`);
      const configMount = c.volumeMounts?.find((m) => m.mountPath === '/etc/tessera');
      assert.ok(configMount, `${c.name}: mounts the configuration at /etc/tessera`);
      assert.equal(volumes.get(configMount.name)?.configMap?.name, 'tessera-config', `${c.name}: /etc/tessera is ConfigMap tessera-config`);
      const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
      assert.ok(tmp && volumes.get(tmp.name)?.emptyDir, `${c.name}: a writable emptyDir at /tmp (the root filesystem is read-only)`);
      for (const m of c.volumeMounts ?? []) {
        assert.ok(volumes.has(m.name), `${c.name}: volume ${m.name} is defined`);
        // subPath mounts are never updated: a renewed certificate would not reach the app.
        if (volumes.get(m.name)?.secret) assert.equal(m.subPath, undefined, `${c.name}: Secret ${m.name} mounted whole, not by subPath`);
      }
      // Secrets reach the app as files named in tessera.yaml, never as environment variables.
      assert.ok(!(c.envFrom ?? []).some((e) => e.secretRef) && !(c.env ?? []).some((e) => e.valueFrom), `${c.name}: no secret in the environment`);
    }
  });
}

for (const app of appNames) {
  test(`Deployment ${app}: probes on ports it has, drains, survives disruption`, () => {
    const d = deployment(app);
    assert.ok((d.spec.replicas ?? 1) >= 2, 'at least 2 replicas');
    assert.ok(selects(d.spec.selector, d.spec.template.metadata.labels), 'its selector matches its pods');
    assert.equal(d.spec.template.spec.terminationGracePeriodSeconds, 30);
    for (const c of d.spec.template.spec.containers) {
      assert.ok(c.livenessProbe, `${c.name}: livenessProbe`);
      assert.ok(c.readinessProbe, `${c.name}: readinessProbe`);
      for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe]) {
        if (probe === undefined) continue;
        const port = probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
        assert.ok(port !== undefined, `${c.name}: probe on a port`);
        assert.ok(
          (c.ports ?? []).some((p) => (typeof port === 'number' ? p.containerPort === port : p.name === port)),
          `${c.name}: probe port ${port} is one of the container's ports`,
        );
      }
    }
    const c = mainContainer(d);
    const portOf = (name: string) => c.ports?.find((p) => p.name === name)?.containerPort;
    if (app === 'authserver') {
      assert.equal(c.livenessProbe?.httpGet?.path, '/healthz');
      assert.equal(c.readinessProbe?.httpGet?.path, '/readyz');
    } else {
      // Native gRPC probes, on the plaintext health-only listener: the kubelet has no client
      // certificate for the mTLS port.
      const health = portOf('health');
      assert.ok(health !== undefined && health !== portOf('grpc'), 'a health port apart from the mTLS gRPC port');
      assert.equal(rawConfig.apps?.[APPS[app]]?.['health'], `0.0.0.0:${health}`, `apps.${APPS[app]}.health listens on the health port`);
      for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe]) assert.equal(probe?.grpc?.port, health, 'gRPC probe on the health listener');
    }
    assert.equal(c.env?.find((e) => e.name === 'TESSERA_DRAIN_MS')?.value, '5000', 'drains before stopping');
    const pdb = manifests.find((m) => m.kind === 'PodDisruptionBudget' && m.metadata.name === app) as
      | { spec: { minAvailable?: number; selector: LabelSelector } }
      | undefined;
    assert.ok(pdb, `PodDisruptionBudget ${app}`);
    assert.equal(pdb.spec.minAvailable, 1);
    assert.ok(selects(pdb.spec.selector, d.spec.template.metadata.labels), 'the PodDisruptionBudget selects its pods');
    const sa = manifests.find((m) => m.kind === 'ServiceAccount' && m.metadata.name === d.spec.template.spec.serviceAccountName) as
      | { automountServiceAccountToken?: boolean }
      | undefined;
    assert.ok(sa, `ServiceAccount ${d.spec.template.spec.serviceAccountName} exists`);
    assert.equal(sa.automountServiceAccountToken, false);
  });
}

test('every Service selects the pods of a Deployment, on ports they have, and never the migration Job', () => {
  assert.ok(services.length >= appNames.length);
  for (const s of services) {
    assert.ok(s.spec.selector && Object.keys(s.spec.selector).length > 0, `${s.metadata.name}: has a selector`);
    const targets = deployments.filter((d) => selects({ matchLabels: s.spec.selector }, d.spec.template.metadata.labels));
    assert.equal(targets.length, 1, `Service ${s.metadata.name} selects the pods of exactly one Deployment`);
    for (const j of jobs) assert.ok(!selects({ matchLabels: s.spec.selector }, j.spec.template.metadata.labels), `Service ${s.metadata.name} does not select Job ${j.metadata.name}`);
    const ports = targets[0]?.spec.template.spec.containers.flatMap((c) => c.ports ?? []) ?? [];
    for (const p of s.spec.ports) {
      const target = p.targetPort ?? p.port;
      assert.ok(
        ports.some((cp) => (typeof target === 'number' ? cp.containerPort === target : cp.name === target)),
        `Service ${s.metadata.name} port ${p.name}: target ${target} exists on the pods`,
      );
    }
  }
});

test('each app with a MariaDB database has its migration Job: its image, its migrate.ts, its service account', () => {
  assert.deepEqual(jobs.map((j) => j.metadata.name).sort(), Object.keys(MIGRATIONS).sort(), 'the migration Jobs');
  for (const [name, app] of Object.entries(MIGRATIONS)) {
    const job = named(jobs, name, 'Job');
    assert.equal((rawConfig.apps?.[APPS[app]]?.['database'] as { type?: string } | undefined)?.type, 'mariadb', `apps.${APPS[app]}.database is MariaDB`);
    const c = mainContainer(job);
    assert.equal(c.image, mainContainer(deployment(app)).image, `${name} runs the ${app} image`);
    const script = `apps/${app}/src/migrate.ts`;
    assert.deepEqual(c.command, ['node', '--import', 'tsx', script], `${name} runs ${script}`);
    assert.ok(existsSync(join(root, script)), `${script} exists`);
    assert.equal(job.spec.template.spec.serviceAccountName, deployment(app).spec.template.spec.serviceAccountName, `${name} runs as ${app}'s service account`);
    assert.equal(job.spec.template.metadata.labels?.['app.kubernetes.io/name'], name, `${name}'s pods are labelled ${name}`);
  }
});

// --- Certificates.
for (const app of appNames) {
  test(`Certificate for ${app}: its SPIFFE identity, mounted where tessera.yaml looks`, () => {
    const cert = certificates.find((c) => c.spec.uris?.includes(`spiffe://tessera.dev/${app}`));
    assert.ok(cert, `a Certificate with URI SAN spiffe://tessera.dev/${app}`);
    assert.deepEqual(cert.spec.uris, [`spiffe://tessera.dev/${app}`], 'exactly one URI SAN (the identity)');
    assert.equal(cert.spec.secretName, `${app}-tls`);
    assert.equal(cert.spec.issuerRef.name, 'tessera-ca');
    assert.ok(['Issuer', 'ClusterIssuer'].includes(cert.spec.issuerRef.kind ?? 'Issuer'));
    for (const dns of [app, `${app}.tessera.svc`, `${app}.tessera.svc.cluster.local`]) assert.ok(cert.spec.dnsNames?.includes(dns), `DNS SAN ${dns}`);
    assert.equal(cert.spec.privateKey?.algorithm, 'ECDSA');
    assert.equal(cert.spec.privateKey?.size, 256);
    for (const usage of ['server auth', 'client auth']) assert.ok(cert.spec.usages?.includes(usage), `usage ${usage}`);
    assert.equal(cert.spec.duration, '24h');
    assert.equal(cert.spec.renewBefore, '8h');

    // The Deployment mounts that Secret at the directory of the tls files that its config names.
    const d = deployment(app);
    const volume = d.spec.template.spec.volumes?.find((v) => v.secret?.secretName === cert.spec.secretName);
    assert.ok(volume, `Deployment ${app} has a volume of Secret ${cert.spec.secretName}`);
    const mount = mainContainer(d).volumeMounts?.find((m) => m.name === volume.name);
    assert.ok(mount, `Deployment ${app} mounts Secret ${cert.spec.secretName}`);
    const pod = loadInPod(d);
    const tls = pod.config.apps[APPS[app]]?.tls;
    assert.ok(tls, `apps.${APPS[app]} has tls files`);
    const expected = { caFile: 'ca.crt', certFile: 'tls.crt', keyFile: 'tls.key' };
    for (const [key, file] of Object.entries(expected)) {
      assert.equal(podPath(pod.root, tls[key as keyof typeof expected]), posix.join(mount.mountPath, file), `tls.${key} is ${file} of ${cert.spec.secretName}`);
    }
  });
}

// --- NetworkPolicies.
test('default deny for both Ingress and Egress', () => {
  const denies = (type: 'Ingress' | 'Egress') =>
    policies.some(
      (p) =>
        Object.keys(p.spec.podSelector).length === 0 &&
        (p.spec.policyTypes ?? []).includes(type) &&
        (type === 'Ingress' ? p.spec.ingress : p.spec.egress) === undefined,
    );
  assert.ok(denies('Ingress'), 'a policy selecting every pod with policyTypes Ingress and no ingress rule');
  assert.ok(denies('Egress'), 'a policy selecting every pod with policyTypes Egress and no egress rule');
});

interface Endpoint {
  /** A pod: its namespace's labels and its own; else an address outside the cluster. */
  namespace?: string;
  nsLabels?: Labels;
  pod?: Labels;
  ip?: string;
}
const tesseraNs: Labels = { 'kubernetes.io/metadata.name': 'tessera', ...namespace?.metadata.labels };
const podOf = (w: Workload): Endpoint => ({ namespace: 'tessera', nsLabels: tesseraNs, pod: w.spec.template.metadata.labels ?? {} });

// --- Addresses: a CIDR block as its family, first address and prefix length; an address is a
//     block of full length.
interface Cidr {
  family: 4 | 6;
  base: bigint;
  bits: number;
}
const WIDTH = { 4: 32, 6: 128 } as const;

function parseIp(text: string): { family: 4 | 6; value: bigint } {
  if (isIPv4(text)) return { family: 4, value: text.split('.').reduce((n, octet) => (n << 8n) | BigInt(octet), 0n) };
  assert.ok(isIPv6(text), `${text} is an IP address`);
  const dotted = /:(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  const v4 = dotted === undefined ? undefined : parseIp(dotted).value;
  const hex = v4 === undefined ? text : `${text.slice(0, -(dotted ?? '').length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  const [head = '', tail] = hex.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const all = tail === undefined ? groups(head) : [...groups(head), ...Array<string>(8 - groups(head).length - groups(tail).length).fill('0'), ...groups(tail)];
  return { family: 6, value: all.reduce((n, group) => (n << 16n) | BigInt(`0x${group}`), 0n) };
}
function parseCidr(text: string): Cidr {
  const [address = '', length = ''] = text.split('/');
  const { family, value } = parseIp(address);
  const bits = Number(length);
  assert.ok(/^\d+$/.test(length) && bits <= WIDTH[family], `${text} has a prefix length`);
  assert.equal(value >> BigInt(WIDTH[family] - bits) << BigInt(WIDTH[family] - bits), value, `${text} has no host bits set`);
  return { family, base: value, bits };
}
function addressBlock(ip: string): Cidr {
  const { family, value } = parseIp(ip);
  return { family, base: value, bits: WIDTH[family] };
}
const within = (inner: Cidr, outer: Cidr) =>
  inner.family === outer.family && inner.bits >= outer.bits && inner.base >> BigInt(WIDTH[outer.family] - outer.bits) === outer.base >> BigInt(WIDTH[outer.family] - outer.bits);
const inCidr = (ip: string, cidr: string) => within(addressBlock(ip), parseCidr(cidr));
function formatCidr({ family, base, bits }: Cidr): string {
  const [count, size] = family === 4 ? [4, 8n] : [8, 16n];
  const chunks = Array.from({ length: count }, (_, i) => (base >> (BigInt(count - 1 - i) * size)) & ((1n << size) - 1n));
  if (family === 4) return `${chunks.join('.')}/${bits}`;
  const full = chunks.map((c) => c.toString(16)).join(':');
  const zeros = (full.match(/(?:^|:)0(?::0)+(?::|$)/g) ?? []).sort((a, b) => b.length - a.length)[0];
  return `${zeros === undefined ? full : full.replace(zeros, '::')}/${bits}`;
}
function peerMatches(peer: PolicyPeer, policyNs: string, e: Endpoint): boolean {
  if (peer.ipBlock) return e.ip !== undefined && inCidr(e.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((x) => inCidr(e.ip ?? '', x));
  if (e.pod === undefined) return false;
  if (peer.namespaceSelector ? !selects(peer.namespaceSelector, e.nsLabels) : e.namespace !== policyNs) return false;
  return peer.podSelector === undefined || selects(peer.podSelector, e.pod);
}
function ruleAllows(rule: PolicyRule, peers: PolicyPeer[] | undefined, policyNs: string, other: Endpoint, port: number, protocol: string): boolean {
  const portOk =
    rule.ports === undefined ||
    rule.ports.length === 0 ||
    rule.ports.some((p) => {
      assert.notEqual(typeof p.port, 'string', 'this test resolves numeric policy ports only');
      return (p.protocol ?? 'TCP') === protocol && (p.port === undefined || p.port === port);
    });
  const peerOk = peers === undefined || peers.length === 0 || peers.some((peer) => peerMatches(peer, policyNs, other));
  return portOk && peerOk;
}
function side(direction: 'Ingress' | 'Egress', subject: Endpoint, other: Endpoint, port: number, protocol: string): boolean {
  if (subject.namespace !== 'tessera' || subject.pod === undefined) return true; // not governed by these policies
  const applying = policies.filter((p) => {
    const types = p.spec.policyTypes ?? (p.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
    return types.includes(direction) && selects(p.spec.podSelector, subject.pod);
  });
  if (applying.length === 0) return true;
  return applying.some((p) =>
    ((direction === 'Ingress' ? p.spec.ingress : p.spec.egress) ?? []).some((rule) =>
      ruleAllows(rule, direction === 'Ingress' ? rule.from : rule.to, p.metadata.namespace ?? 'tessera', other, port, protocol),
    ),
  );
}
const reaches = (from: Endpoint, to: Endpoint, port: number, protocol = 'TCP') => side('Egress', from, to, port, protocol) && side('Ingress', to, from, port, protocol);

test('NetworkPolicies allow exactly the documented paths', () => {
  const [authserver, tokenmanager, gateway] = (['authserver', 'tokenmanager', 'idp-gateway'] as const).map((a) => podOf(deployment(a))) as [Endpoint, Endpoint, Endpoint];
  const migrate = podOf(named(jobs, 'tokenmanager-migrate', 'Job'));
  const authMigrate = podOf(named(jobs, 'authserver-migrate', 'Job'));
  const internet: Endpoint = { ip: '1.1.1.1' }; // not a documentation address: the IdP egress excludes those
  const internet6: Endpoint = { ip: '2606:4700:4700::1111' };
  const database: Endpoint = { ip: '10.20.30.40' };
  const metadataService: Endpoint = { ip: '169.254.169.254' };
  const privateHost: Endpoint = { ip: '10.0.0.5' };
  const dns: Endpoint = { namespace: 'kube-system', nsLabels: { 'kubernetes.io/metadata.name': 'kube-system' }, pod: { 'k8s-app': 'kube-dns' } };
  const jobsNs = { 'kubernetes.io/metadata.name': 'jobs' };
  const tokenClient: Endpoint = { namespace: 'jobs', nsLabels: jobsNs, pod: { app: 'job-runner', 'tessera.dev/token-client': 'true' } };
  const otherPod: Endpoint = { namespace: 'jobs', nsLabels: jobsNs, pod: { app: 'job-runner' } };
  const prometheus: Endpoint = { namespace: 'monitoring', nsLabels: { 'kubernetes.io/metadata.name': 'monitoring', 'tessera.dev/monitoring': 'true' }, pod: { app: 'prometheus' } };
  const unlabelledScraper: Endpoint = { namespace: 'other', nsLabels: { 'kubernetes.io/metadata.name': 'other' }, pod: { app: 'prometheus' } };
  const metrics = [
    [authserver, 9460],
    [tokenmanager, 9461],
    [gateway, 9462],
  ] as const;

  const allowed: [string, boolean][] = [
    ['anyone → authserver http', reaches(internet, authserver, 8080)],
    ['authserver → tokenmanager grpc', reaches(authserver, tokenmanager, 50051)],
    ['authserver → idp-gateway grpc', reaches(authserver, gateway, 50052)],
    ['tokenmanager → idp-gateway grpc', reaches(tokenmanager, gateway, 50052)],
    ['tokenmanager → authserver http (the JWKS)', reaches(tokenmanager, authserver, 8080)],
    ['token-client pod in another namespace → tokenmanager grpc', reaches(tokenClient, tokenmanager, 50051)],
    ['tokenmanager → MySQL', reaches(tokenmanager, database, 3306)],
    ['migration Job → MySQL', reaches(migrate, database, 3306)],
    ['authserver → MySQL (AuthDB)', reaches(authserver, database, 3306)],
    ['authserver migration Job → MySQL', reaches(authMigrate, database, 3306)],
    ['idp-gateway → an IdP on the internet, https', reaches(gateway, internet, 443)],
    ['idp-gateway → an IdP on the IPv6 internet, https', reaches(gateway, internet6, 443)],
    ...[authserver, tokenmanager, gateway, migrate, authMigrate].flatMap((p, i): [string, boolean][] => [
      [`pod ${i} → cluster DNS (UDP)`, reaches(p, dns, 53, 'UDP')],
      [`pod ${i} → cluster DNS (TCP)`, reaches(p, dns, 53, 'TCP')],
    ]),
    ...metrics.map(([p, port]): [string, boolean] => [`monitoring namespace → metrics :${port}`, reaches(prometheus, p, port)]),
  ];
  const denied: [string, boolean][] = [
    ['an unlabelled pod → tokenmanager grpc', reaches(otherPod, tokenmanager, 50051)],
    ['a token-client pod → idp-gateway grpc', reaches(tokenClient, gateway, 50052)],
    ['anyone → idp-gateway grpc', reaches(internet, gateway, 50052)],
    ['anyone → tokenmanager grpc', reaches(internet, tokenmanager, 50051)],
    ['idp-gateway → tokenmanager grpc', reaches(gateway, tokenmanager, 50051)],
    ['authserver → tokenmanager metrics', reaches(authserver, tokenmanager, 9461)],
    ['authserver → the internet', reaches(authserver, internet, 443)],
    ['tokenmanager → the internet', reaches(tokenmanager, internet, 443)],
    ['tokenmanager → authserver metrics', reaches(tokenmanager, authserver, 9460)],
    ['idp-gateway → authserver http', reaches(gateway, authserver, 8080)],
    ['a migration Job → authserver http', reaches(migrate, authserver, 8080)],
    ['the authserver migration Job → tokenmanager grpc', reaches(authMigrate, tokenmanager, 50051)],
    ['the authserver migration Job → the internet', reaches(authMigrate, internet, 443)],
    ['idp-gateway → MySQL', reaches(gateway, database, 3306)],
    ['idp-gateway → the cloud metadata service', reaches(gateway, metadataService, 443)],
    ['idp-gateway → a private address', reaches(gateway, privateHost, 443)],
    ['idp-gateway → a private address, IPv4-mapped', reaches(gateway, { ip: '::ffff:10.0.0.5' }, 443)],
    ['idp-gateway → a private address through NAT64', reaches(gateway, { ip: '64:ff9b::a00:5' }, 443)],
    ['idp-gateway → a private address through 6to4', reaches(gateway, { ip: '2002:a00:5::1' }, 443)],
    ['idp-gateway → a unique-local IPv6 address', reaches(gateway, { ip: 'fd00::5' }, 443)],
    ['idp-gateway → the internet on http', reaches(gateway, internet, 80)],
    ['anyone → authserver metrics', reaches(internet, authserver, 9460)],
    ['authserver → tokenmanager health (plaintext)', reaches(authserver, tokenmanager, 50071)],
    ['a token-client pod → tokenmanager health (plaintext)', reaches(tokenClient, tokenmanager, 50071)],
    ['tokenmanager → idp-gateway health (plaintext)', reaches(tokenmanager, gateway, 50072)],
    ['monitoring namespace → idp-gateway health (plaintext)', reaches(prometheus, gateway, 50072)],
    ...metrics.map(([p, port]): [string, boolean] => [`unlabelled namespace → metrics :${port}`, reaches(unlabelledScraper, p, port)]),
  ];
  assert.deepEqual(allowed.filter(([, ok]) => !ok).map(([what]) => what), [], 'paths that should be allowed');
  assert.deepEqual(denied.filter(([, ok]) => ok).map(([what]) => what), [], 'paths that should be denied');

  // tokenmanager's JWKS fetch is admitted by its own rule, not only by the public one: an overlay
  // narrowing the public HTTP rule (to the Ingress controller) must not cut it off.
  const withoutPublicRules = (p: NetworkPolicy): NetworkPolicy => ({ ...p, spec: { ...p.spec, ingress: p.spec.ingress?.filter((r) => (r.from ?? []).length > 0) } });
  const saved = policies.splice(0, policies.length, ...policies.map(withoutPublicRules));
  try {
    assert.ok(reaches(tokenmanager, authserver, 8080), 'tokenmanager → authserver http with the public ingress rules removed');
    assert.ok(!reaches(gateway, authserver, 8080) && !reaches(internet, authserver, 8080), 'and nobody else');
  } finally {
    policies.splice(0, policies.length, ...saved);
  }
});

// Where idp-gateway may not send a packet, written out. From the IANA IPv4 and IPv6 Special-Purpose
// Address Registries (RFC 6890, updated by RFC 8190; iana.org/assignments/iana-ipv4-special-registry
// and iana-ipv6-special-registry): every block not globally reachable, and the IETF protocol
// assignment blocks whole (no IdP sits on an anycast service address). From the multicast
// registries (RFC 5771, RFC 4291 §2.7): multicast. From the IPv6 Address Space registry: everything
// outside 2000::/3, the only space allocated for global unicast. And every prefix that delivers to
// an embedded IPv4 address (mapped, compatible, NAT64, 6to4, Teredo), which would otherwise reach
// the private IPv4 ranges. AS112 and AMT (192.31.196.0/24, 192.52.193.0/24) are globally reachable
// and stay allowed. Blocks inside another are listed for the record.
const NOT_AN_IDP = [
  '0.0.0.0/8', // "this network" (RFC 791)
  '10.0.0.0/8', // private (RFC 1918)
  '100.64.0.0/10', // shared address space (RFC 6598)
  '127.0.0.0/8', // loopback (RFC 1122)
  '169.254.0.0/16', // link-local, the cloud metadata service (RFC 3927)
  '172.16.0.0/12', // private (RFC 1918)
  '192.0.0.0/24', // IETF protocol assignments (RFC 6890)
  '192.0.2.0/24', // TEST-NET-1 (RFC 5737)
  '192.88.99.0/24', // deprecated 6to4 relay anycast (RFC 7526)
  '192.168.0.0/16', // private (RFC 1918)
  '198.18.0.0/15', // benchmarking (RFC 2544)
  '198.51.100.0/24', // TEST-NET-2 (RFC 5737)
  '203.0.113.0/24', // TEST-NET-3 (RFC 5737)
  '224.0.0.0/4', // multicast (RFC 5771)
  '240.0.0.0/4', // reserved (RFC 1112)
  '255.255.255.255/32', // limited broadcast (RFC 919), inside 240.0.0.0/4
  '::/3', // outside global unicast: with 4000::/2 and 8000::/1, all but 2000::/3 (RFC 4291 §2.4)
  '4000::/2',
  '8000::/1',
  '::/128', // unspecified (RFC 4291)
  '::1/128', // loopback (RFC 4291)
  '::/96', // IPv4-compatible, deprecated (RFC 4291 §2.5.5.1)
  '::ffff:0:0/96', // IPv4-mapped (RFC 4291 §2.5.5.2)
  '64:ff9b::/96', // NAT64 well-known prefix (RFC 6052)
  '64:ff9b:1::/48', // local-use IPv4/IPv6 translation (RFC 8215)
  '100::/64', // discard-only (RFC 6666)
  '5f00::/16', // SRv6 SIDs (RFC 9602)
  'fc00::/7', // unique-local (RFC 4193)
  'fe80::/10', // link-local (RFC 4291)
  'fec0::/10', // site-local, deprecated (RFC 3879)
  'ff00::/8', // multicast (RFC 4291 §2.7)
  '2001::/23', // IETF protocol assignments (RFC 2928)
  '2001::/32', // Teredo, embeds IPv4 addresses (RFC 4380)
  '2001:2::/48', // benchmarking (RFC 5180)
  '2001:db8::/32', // documentation (RFC 3849)
  '2002::/16', // 6to4, embeds an IPv4 address (RFC 3056)
  '3fff::/20', // documentation (RFC 9637)
].map(parseCidr);

type Coverage = 'all' | 'part' | 'none';
/** How much of `block` a union of CIDR blocks covers (blocks nest or are disjoint). */
function coverage(block: Cidr, union: Cidr[]): Coverage {
  if (union.some((c) => within(block, c))) return 'all';
  return union.some((c) => within(c, block)) ? 'part' : 'none';
}
/** How much of `block` the ipBlocks let through. */
function reachable(block: Cidr, ipBlocks: { cidr: Cidr; except: Cidr[] }[]): Coverage {
  const each = ipBlocks.map(({ cidr, except }): Coverage => {
    if (within(block, cidr)) return ({ all: 'none', part: 'part', none: 'all' } as const)[coverage(block, except)];
    return within(cidr, block) ? 'part' : 'none';
  });
  return each.includes('all') ? 'all' : each.includes('part') ? 'part' : 'none';
}

test('idp-gateway reaches every globally reachable address and nothing in the special-purpose registries', () => {
  const gateway = podOf(deployment('idp-gateway'));
  const rules = policies
    .filter((p) => (p.spec.policyTypes ?? []).includes('Egress') && selects(p.spec.podSelector, gateway.pod))
    .flatMap((p) => p.spec.egress ?? []);
  // A rule without peers lets every address through.
  const anywhere = [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }];
  const ipBlocks = rules
    .flatMap((r) => (r.to === undefined || r.to.length === 0 ? anywhere : r.to))
    .flatMap((peer) => (peer.ipBlock ? [peer.ipBlock] : []))
    .map(({ cidr, except = [] }) => {
      const block = { cidr: parseCidr(cidr), except: except.map(parseCidr) };
      // Kubernetes rejects an except that is not a strict subset of its cidr.
      for (const [i, x] of block.except.entries()) assert.ok(within(x, block.cidr) && x.bits > block.cidr.bits, `${except[i]} lies inside ${cidr}`);
      return block;
    });

  const leaks = NOT_AN_IDP.filter((block) => reachable(block, ipBlocks) !== 'none').map(formatCidr);
  assert.deepEqual(leaks, [], 'special-purpose blocks idp-gateway can reach, in whole or in part');

  // And nothing else is blocked: the address space compared block by block, split where partial.
  const overblocked: string[] = [];
  const compare = (block: Cidr): void => {
    const through = reachable(block, ipBlocks);
    const excluded = coverage(block, NOT_AN_IDP);
    if (through === 'none' && excluded === 'none') overblocked.push(formatCidr(block));
    else if (through === 'part' || excluded === 'part') {
      const bits = block.bits + 1;
      compare({ ...block, bits });
      compare({ ...block, base: block.base | (1n << BigInt(WIDTH[block.family] - bits)), bits });
    }
  };
  compare(parseCidr('0.0.0.0/0'));
  compare(parseCidr('::/0'));
  assert.deepEqual(overblocked, [], 'blocks outside NOT_AN_IDP that idp-gateway cannot reach');
});

// --- The configuration.
const configMap = configMaps.find((c) => c.metadata.name === 'tessera-config');
const rawConfig = YAML.parse(configMap?.data['tessera.yaml'] ?? '') as Record<string, unknown> & {
  apps?: Record<string, Record<string, unknown>>;
  idps?: Record<string, { clientSecrets?: unknown[] }>;
  oauthClients?: Record<string, { type?: string; secret?: unknown; secretHashes?: unknown }>;
  registry?: { services?: Record<string, unknown> };
};
const POD_ROOT = '/var/run/';
const scratch = mkdtempSync(join(tmpdir(), 'tessera-deploy-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
let pods = 0;

/** Every string in the configuration that is a path inside the pod. */
function podPaths(value: unknown): string[] {
  if (typeof value === 'string') return value.startsWith(POD_ROOT) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(podPaths);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(podPaths);
  return [];
}
function rewrite(value: unknown, rootDir: string): unknown {
  if (typeof value === 'string') return value.startsWith(POD_ROOT) ? join(rootDir, value) : value;
  if (Array.isArray(value)) return value.map((v) => rewrite(v, rootDir));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v, rootDir)]));
  return value;
}
/** A path from a config loaded under `root` back to the pod's own view. */
const podPath = (root: string, p: string) => posix.join('/', p.slice(root.length).split('\\').join('/'));

/** The environment a container sees: its env and the ConfigMaps it takes envFrom. */
function environment(c: Container): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const from of c.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, named(configMaps, from.configMapRef.name, 'ConfigMap').data);
  }
  for (const e of c.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  return env;
}

/**
 * Loads tessera.yaml as the pod would: a scratch directory stands for its filesystem and holds a
 * file for each path the configuration names only when the pod mounts a Secret at its directory.
 */
function loadInPod(w: Workload): { config: TesseraConfig; files: Map<string, string>; root: string } {
  const c = mainContainer(w);
  const volumes = new Map((w.spec.template.spec.volumes ?? []).map((v) => [v.name, v]));
  const secretDirs = new Set((c.volumeMounts ?? []).filter((m) => volumes.get(m.name)?.secret).map((m) => m.mountPath));
  const podRoot = join(scratch, `pod-${pods++}`);
  const files = new Map<string, string>();
  for (const path of podPaths(rawConfig)) {
    if (!secretDirs.has(posix.dirname(path))) continue;
    const content = `mounted:${path}`;
    mkdirSync(join(podRoot, posix.dirname(path)), { recursive: true });
    writeFileSync(join(podRoot, path), `${content}\n`);
    files.set(path, content);
  }
  mkdirSync(podRoot, { recursive: true });
  const file = join(podRoot, 'tessera.yaml');
  writeFileSync(file, YAML.stringify(rewrite(rawConfig, podRoot)));
  return { config: loadConfig({ file, env: environment(c), baseDir: podRoot }), files, root: podRoot };
}

test('tessera.yaml is production-shaped: no dev-idp, no inline secret, listeners on the pods ports', () => {
  assert.ok(configMap, 'ConfigMap tessera-config');
  assert.equal(rawConfig.apps?.['devIdp'], undefined, 'no devIdp section');
  assert.doesNotMatch(configMap.data['tessera.yaml'] ?? '', /dev-idp|devIdp|127\.0\.0\.1|localhost|(?<![\w.])\.dev\//, 'nothing from the dev stack');
  const keys = (app: string, ring: string) => Object.values((rawConfig.apps?.[app]?.[ring] as { keys?: Record<string, unknown> } | undefined)?.keys ?? {});
  const secrets = [
    ...Object.values(rawConfig.idps ?? {}).flatMap((idp) => idp.clientSecrets ?? []),
    (rawConfig.apps?.['tokenmanager']?.['database'] as { url?: unknown } | undefined)?.url,
    ...keys('tokenmanager', 'encryption'),
    ...((rawConfig.apps?.['idpGateway']?.['stateSecrets'] as unknown[] | undefined) ?? []),
    (rawConfig.apps?.['authserver']?.['database'] as { url?: unknown } | undefined)?.url,
    ...keys('authserver', 'signing'),
  ];
  assert.ok(secrets.length >= 6, `the secrets of every app, got ${secrets.length}`);
  for (const s of secrets) {
    const file = (s as { file?: unknown } | undefined)?.file;
    assert.ok(typeof file === 'string' && file.startsWith('/var/run/secrets/tessera/'), `secret given as { file: /var/run/secrets/tessera/... }, got ${JSON.stringify(s)}`);
  }
  // Confidential clients are configured by the hashes of their secrets, never the secrets, and
  // not by the dev stack's (whose secrets are published).
  const devClients = (YAML.parse(readFileSync(join(root, 'config', 'dev.yaml'), 'utf8')) as { oauthClients?: Record<string, { secretHashes?: string[] }> }).oauthClients ?? {};
  const devHashes = new Set(Object.values(devClients).flatMap((c) => c.secretHashes ?? []));
  const confidential = Object.entries(rawConfig.oauthClients ?? {}).filter(([, c]) => c.type === 'confidential');
  assert.ok(confidential.length > 0, 'a confidential OAuth client');
  for (const [id, client] of confidential) {
    assert.equal(client.secret, undefined, `oauthClients.${id}: no secret`);
    const hashes = client.secretHashes;
    assert.ok(Array.isArray(hashes) && hashes.length > 0, `oauthClients.${id}: secretHashes`);
    for (const h of hashes) {
      assert.match(String(h), /^sha256:[A-Za-z0-9_-]{43}$/, `oauthClients.${id}: a SHA-256 hash, inline`);
      assert.ok(!devHashes.has(String(h)), `oauthClients.${id}: not a hash from config/dev.yaml`);
    }
  }
  for (const id of ['spiffe://tessera.dev/authserver', 'spiffe://tessera.dev/tokenmanager']) assert.ok(rawConfig.registry?.services?.[id], `registry knows ${id}`);

  const listeners: [App, string, string][] = [
    ['tokenmanager', 'grpc', 'grpc'],
    ['tokenmanager', 'health', 'health'],
    ['tokenmanager', 'metrics', 'metrics'],
    ['idp-gateway', 'grpc', 'grpc'],
    ['idp-gateway', 'health', 'health'],
    ['idp-gateway', 'metrics', 'metrics'],
    ['authserver', 'http', 'http'],
    ['authserver', 'metrics', 'metrics'],
  ];
  for (const [app, key, portName] of listeners) {
    const address = rawConfig.apps?.[APPS[app]]?.[key];
    const port = mainContainer(deployment(app)).ports?.find((p) => p.name === portName)?.containerPort;
    assert.equal(address, `0.0.0.0:${port}`, `apps.${APPS[app]}.${key} listens on the container port ${portName}`);
  }
  // authserver dials the Services and expects the identities their certificates carry.
  const upstreams = rawConfig.apps?.['authserver'] as Record<string, { address: string; serverName: string }> | undefined;
  for (const [key, app] of [['tokenmanager', 'tokenmanager'], ['idpGateway', 'idp-gateway']] as const) {
    const upstream = upstreams?.[key];
    assert.ok(upstream, `apps.authserver.${key}`);
    const [host = '', port] = upstream.address.split(':');
    const service = named(services, host.split('.')[0] ?? '', 'Service');
    assert.equal(service.metadata.name, app);
    assert.ok(service.spec.ports.some((p) => p.port === Number(port)), `Service ${app} has port ${port}`);
    const cert = certificates.find((c) => c.spec.secretName === `${app}-tls`);
    assert.ok(cert?.spec.dnsNames?.includes(upstream.serverName), `serverName ${upstream.serverName} is a DNS SAN of ${app}'s certificate`);
    assert.ok(cert?.spec.dnsNames?.includes(host), `${host} is a DNS SAN of ${app}'s certificate`);
  }
});

test('tokenmanager verifies user tokens from the authserver, fetching its JWKS in-cluster', () => {
  const { config } = loadInPod(deployment('tokenmanager'));
  const userTokens = requireApp(config, 'tokenmanager').userTokens;
  assert.ok(userTokens, 'apps.tokenmanager.userTokens');
  const authserver = rawConfig.apps?.['authserver'] as { issuer?: string; audiences?: string[] } | undefined;
  assert.equal(userTokens.issuer, authserver?.issuer, 'userTokens.issuer is the authserver\'s (public) issuer');
  assert.ok(authserver?.audiences?.includes(userTokens.audience), `userTokens.audience ${userTokens.audience} is one of apps.authserver.audiences`);
  // The JWKS from Service authserver, not through the public Ingress, on a port the policies open.
  const url = new URL(userTokens.jwksUrl);
  assert.equal(url.protocol, 'http:');
  assert.equal(url.pathname, '/.well-known/jwks.json');
  const [host = '', ns, svc, ...rest] = url.hostname.split('.');
  assert.ok(ns === 'tessera' && svc === 'svc' && (rest.length === 0 || rest.join('.') === 'cluster.local'), `${url.hostname} is a Service of namespace tessera`);
  const service = named(services, host, 'Service');
  const port = service.spec.ports.find((p) => p.port === Number(url.port || 80));
  assert.ok(port, `Service ${host} has port ${url.port || 80}`);
  const target = named(deployments, host, 'Deployment');
  assert.equal(host, 'authserver', 'the JWKS is the authserver\'s');
  const targetPort = port.targetPort ?? port.port;
  const podPort = mainContainer(target).ports?.find((p) => (typeof targetPort === 'number' ? p.containerPort === targetPort : p.name === targetPort))?.containerPort;
  assert.equal(rawConfig.apps?.['authserver']?.['http'], `0.0.0.0:${podPort}`, 'that Service port reaches the authserver\'s HTTP listener');
  assert.ok(podPort !== undefined && reaches(podOf(deployment('tokenmanager')), podOf(target), podPort), `the NetworkPolicies let tokenmanager reach ${host}:${podPort}`);
});

// Every Secret a pod mounts, but the cert-manager ones: who mounts it, and where.
const SECRET_USERS: Record<string, { at: string; by: string[] }> = {
  'tessera-db': { at: '/var/run/secrets/tessera/db', by: ['tokenmanager', 'tokenmanager-migrate'] },
  'tessera-tokendb-keys': { at: '/var/run/secrets/tessera/tokendb-keys', by: ['tokenmanager', 'tokenmanager-migrate'] },
  'tessera-idp-client-secrets': { at: '/var/run/secrets/tessera/idp-client-secrets', by: ['idp-gateway'] },
  'tessera-idp-gateway-state': { at: '/var/run/secrets/tessera/idp-gateway-state', by: ['idp-gateway'] },
  'tessera-authdb': { at: '/var/run/secrets/tessera/authdb', by: ['authserver', 'authserver-migrate'] },
  'tessera-signing-keys': { at: '/var/run/secrets/tessera/signing-keys', by: ['authserver'] },
};

test('each operator Secret is mounted only by the pods that use it, where tessera.yaml looks', () => {
  const configured = new Set(podPaths(rawConfig).map((p) => posix.dirname(p)));
  for (const [secret, { at, by }] of Object.entries(SECRET_USERS)) {
    const mountedBy = workloads
      .filter((w) => (w.spec.template.spec.volumes ?? []).some((v) => v.secret?.secretName === secret))
      .map((w) => w.metadata.name)
      .sort();
    assert.deepEqual(mountedBy, [...by].sort(), `Secret ${secret}`);
    assert.ok(configured.has(at), `tessera.yaml names files in ${at}`);
    for (const w of workloads.filter((x) => by.includes(x.metadata.name))) {
      const volume = (w.spec.template.spec.volumes ?? []).find((v) => v.secret?.secretName === secret);
      const mounts = mainContainer(w).volumeMounts?.filter((m) => m.name === volume?.name).map((m) => m.mountPath);
      assert.deepEqual(mounts, [at], `${w.metadata.name} mounts Secret ${secret} at ${at}`);
    }
  }
  // And no pod mounts any other Secret (such as the retired tessera-oauth-client-secrets).
  for (const w of workloads) {
    for (const v of w.spec.template.spec.volumes ?? []) {
      const name = v.secret?.secretName;
      if (name === undefined) continue;
      assert.ok(Object.hasOwn(SECRET_USERS, name) || (w.kind === 'Deployment' && name === `${w.metadata.name}-tls`), `${w.metadata.name} mounts Secret ${name}, which no table lists`);
    }
  }
});

/** What a workload's command checks at start-up: the authserver's migration reads only AuthDB's
 * secret (apps/authserver/src/migrate.ts); every other command needs its whole app section. */
function startUp(w: Workload, config: TesseraConfig): void {
  if (w.metadata.name === 'authserver-migrate') checkSecrets(config, ['apps', 'authserver', 'database']);
  else requireApp(config, APPS[appOf(w)]);
}

for (const w of workloads) {
  test(`tessera.yaml loads with the real schema in ${w.kind} ${w.metadata.name}, with only what it mounts`, () => {
    let loaded: ReturnType<typeof loadInPod>;
    try {
      loaded = loadInPod(w);
    } catch (error) {
      assert.fail(error instanceof ConfigError ? error.message : (error as Error));
    }
    const { config, files, root } = loaded;
    const app = appOf(w);
    startUp(w, config);
    const section = config.apps[APPS[app]]!;
    assert.equal(config.apps.devIdp, undefined);
    if (app === 'tokenmanager') {
      const db = requireApp(config, 'tokenmanager').database;
      assert.equal(db.type, 'mariadb');
      if (db.type === 'mariadb') assert.equal(db.url.reveal(), files.get('/var/run/secrets/tessera/db/url'), 'the database URL is read from Secret tessera-db');
    }
    if (app === 'authserver') {
      const { database, signing } = config.apps.authserver!;
      assert.equal(database.type, 'mariadb');
      if (database.type === 'mariadb') assert.equal(database.url.reveal(), files.get('/var/run/secrets/tessera/authdb/url'), 'the AuthDB URL is read from Secret tessera-authdb');
      for (const [kid, key] of w.kind === 'Job' ? [] : Object.entries(signing.keys)) {
        assert.equal(key.reveal(), files.get(`/var/run/secrets/tessera/signing-keys/${kid}`), `signing key ${kid} is read from Secret tessera-signing-keys`);
      }
    }
    if (app === 'idp-gateway') {
      for (const [name, idp] of Object.entries(config.idps)) {
        assert.ok(idp.clientSecrets.every((s) => s.reveal().startsWith('mounted:')), `idps.${name}: the real client secrets, read from the mounted Secret`);
      }
      const states = requireApp(config, 'idpGateway').stateSecrets;
      assert.ok(states.every((s) => s.reveal().startsWith('mounted:')), 'flow-state secrets read from the mounted Secret');
    }
    if (w.kind === 'Deployment') {
      for (const path of [section.tls.caFile, section.tls.certFile, section.tls.keyFile]) {
        assert.ok(existsSync(path), `${podPath(root, path)} is in a mounted Secret`);
      }
    }
  });
}

test('no pod holds another app’s secrets, and the apps start without them', () => {
  const others: Record<App, string[][]> = {
    authserver: [['apps', 'tokenmanager'], ['apps', 'idpGateway'], ['idps']],
    tokenmanager: [['apps', 'idpGateway'], ['idps'], ['apps', 'authserver', 'database'], ['apps', 'authserver', 'signing']],
    'idp-gateway': [['apps', 'tokenmanager'], ['apps', 'authserver', 'database'], ['apps', 'authserver', 'signing']],
  };
  for (const w of workloads) {
    const app = appOf(w);
    const { config } = loadInPod(w);
    assert.doesNotThrow(() => startUp(w, config), `${w.metadata.name} starts`);
    const lacks = w.metadata.name === 'authserver-migrate' ? [...others[app], ['apps', 'authserver', 'signing']] : others[app];
    for (const path of lacks) {
      // Reading them fails in this pod: their files are not mounted here.
      assert.throws(() => checkSecrets(config, path), (e: unknown) => e instanceof ConfigError && /cannot read secret file/.test(e.message), `${w.metadata.name} lacks ${path.join('.')}`);
    }
  }
});

