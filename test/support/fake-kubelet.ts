// A stand-in for the kubelet's authenticated API on loopback: TLS with a serving certificate,
// clients authenticated by certificate against a client CA (as the kubelet's x509 authenticator:
// the handshake asks for a certificate, a request without a verified one gets 401), and
// `GET /pods` answering a v1 PodList in the kubelet's shape. Certificates are made per test
// with openssl; nothing is committed.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

export interface KubeletPki {
  /** Verifies the kubelet's serving certificate (rower --kubelet-ca) and signed the client certificate. */
  ca: string;
  serverCert: string;
  serverKey: string;
  /** rower's client certificate and key (--kubelet-cert, --kubelet-key). */
  clientCert: string;
  clientKey: string;
}

function openssl(args: string[]): void {
  const run = spawnSync("openssl", args, { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${run.stderr}`);
}

/** A CA and two leaves (server for 127.0.0.1, client) in `dir`; `caName` tells two PKIs apart. */
export function makeKubeletPki(dir: string, caName = "test-kubelet-ca"): KubeletPki {
  const path = (name: string): string => join(dir, `${caName}-${name}`);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl(["req", "-x509", ...ec, "-keyout", path("ca.key"), "-out", path("ca.crt"), "-subj", `/CN=${caName}`, "-days", "2",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"]);
  const leaf = (name: string, extensions: string): void => {
    writeFileSync(path(`${name}.ext`), extensions);
    openssl(["req", ...ec, "-keyout", path(`${name}.key`), "-out", path(`${name}.csr`), "-subj", `/CN=${name}`]);
    openssl(["x509", "-req", "-in", path(`${name}.csr`), "-CA", path("ca.crt"), "-CAkey", path("ca.key"), "-set_serial", String(Date.now()),
      "-days", "2", "-out", path(`${name}.crt`), "-extfile", path(`${name}.ext`)]);
  };
  leaf("server", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
  leaf("rower", "extendedKeyUsage=clientAuth\n");
  return { ca: path("ca.crt"), serverCert: path("server.crt"), serverKey: path("server.key"), clientCert: path("rower.crt"), clientKey: path("rower.key") };
}

/**
 * The PKI a VM gets at first boot: deploy/kubelet/make-kubelet-pki run into `dir`. The kubelet
 * serves with kubelet.crt and trusts clients of kubelet-ca.crt; rower holds rower/client.*.
 */
export function deployedKubeletPki(dir: string): KubeletPki {
  const pki = join(dir, "pki");
  const run = spawnSync("sh", [join(process.cwd(), "deploy/kubelet/make-kubelet-pki")], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", KUBELET_PKI_DIR: pki, KUBELET_PKI_WORK_PARENT: dir }, encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`make-kubelet-pki: ${run.stderr}`);
  return {
    ca: join(pki, "kubelet-ca.crt"), serverCert: join(pki, "kubelet.crt"), serverKey: join(pki, "kubelet.key"),
    clientCert: join(pki, "rower/client.crt"), clientKey: join(pki, "rower/client.key"),
  };
}

export interface ContainerShape {
  name: string;
  /** `state.waiting.reason`; running when unset. */
  waiting?: string;
}

export interface StaticPodShape {
  /** The pod's name in its manifest; the kubelet lists it as `<name>-<node>`. */
  name: string;
  namespace?: string;
  phase: "Pending" | "Running" | "Succeeded" | "Failed";
  reason?: string;
  message?: string;
  containers: ContainerShape[];
  initContainers?: ContainerShape[];
  /** `kubernetes.io/config.source`; `file` for the static-pod directory. */
  source?: string;
}

function containerStatus(c: ContainerShape): object {
  const state = c.waiting === undefined ? { running: { startedAt: "2026-01-01T00:00:00Z" } } : { waiting: { reason: c.waiting, message: `${c.waiting} for ${c.name}` } };
  return { name: c.name, state, lastState: {}, ready: c.waiting === undefined, restartCount: 0, image: "nginx:1.27", imageID: "", started: c.waiting === undefined };
}

/** One item of the kubelet's /pods for a static pod (pkg/kubelet/config/common.go applyDefaults). */
export function staticPod(shape: StaticPodShape, node: string): object {
  const uid = `${shape.name}0123456789abcdef`.slice(0, 32);
  return {
    metadata: {
      name: `${shape.name}-${node.toLowerCase()}`,
      namespace: shape.namespace ?? "default",
      uid,
      creationTimestamp: null,
      annotations: {
        "kubernetes.io/config.hash": uid,
        "kubernetes.io/config.seen": "2026-01-01T00:00:00.000000000Z",
        "kubernetes.io/config.source": shape.source ?? "file",
        "rower.static/managed": "true",
      },
    },
    spec: {
      containers: shape.containers.map((c) => ({ name: c.name, image: "nginx:1.27", resources: {}, terminationMessagePath: "/dev/termination-log", imagePullPolicy: "IfNotPresent" })),
      restartPolicy: "Always",
      nodeName: node,
      tolerations: [{ operator: "Exists", effect: "NoExecute" }],
    },
    status: {
      phase: shape.phase,
      ...(shape.reason === undefined ? {} : { reason: shape.reason }),
      ...(shape.message === undefined ? {} : { message: shape.message }),
      qosClass: "BestEffort",
      ...(shape.initContainers === undefined ? {} : { initContainerStatuses: shape.initContainers.map(containerStatus) }),
      containerStatuses: shape.containers.map(containerStatus),
    },
  };
}

export interface FakeKubelet {
  url: string;
  /** The items /pods answers with; replace to change what runs. */
  pods: object[];
  /** Requests seen, with whether their client certificate verified. */
  requests: Array<{ path: string; authorized: boolean }>;
  close(): Promise<void>;
}

export async function startFakeKubelet(pki: Pick<KubeletPki, "ca" | "serverCert" | "serverKey">): Promise<FakeKubelet> {
  const state: FakeKubelet = { url: "", pods: [], requests: [], close: async () => {} };
  const server: Server = createServer({
    key: readFileSync(pki.serverKey), cert: readFileSync(pki.serverCert), ca: readFileSync(pki.ca),
    requestCert: true, rejectUnauthorized: false,
  }, (req, res) => {
    const authorized = (req.socket as import("node:tls").TLSSocket).authorized;
    state.requests.push({ path: req.url ?? "", authorized });
    if (!authorized) {
      res.writeHead(401, { "content-type": "text/plain; charset=utf-8" }).end("Unauthorized");
      return;
    }
    if (req.method !== "GET" || req.url !== "/pods") {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("404 page not found\n");
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ kind: "PodList", apiVersion: "v1", metadata: {}, items: state.pods }));
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", () => ready()));
  state.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise<void>((done) => {
    server.close(() => done());
    server.closeAllConnections();
  });
  return state;
}
