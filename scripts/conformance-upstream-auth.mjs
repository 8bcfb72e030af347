// The client command of the conformance suite's auth/* scenarios, for Gatehouse's upstream side: it starts Gatehouse in
// front of the suite's mock server (an upstream that requires OAuth), connects the account the way a person's browser
// would (the link in Gatehouse's refusal, the authorization server's redirect back), then calls through Gatehouse.
//
//   node conformance-upstream-auth.mjs <mock server URL>
// with GATEHOUSE_DLL set to the built gatehouse.dll, and the suite's MCP_CONFORMANCE_CONTEXT (pre-registered credentials).
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const serverUrl = process.argv.at(-1);
const context = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT ?? "{}");
const dll = process.env.GATEHOUSE_DLL;
if (!serverUrl || !dll) {
  console.error("usage: GATEHOUSE_DLL=.../gatehouse.dll node conformance-upstream-auth.mjs <server URL>");
  process.exit(2);
}

// The suite's client ID metadata document URL, used where the authorization server takes such documents.
const clientMetadataUrl = "https://conformance-test.local/client-metadata.json";
const deadline = (ms) => AbortSignal.timeout(ms);

const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, "127.0.0.1", () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});
const gateway = `http://127.0.0.1:${port}`;
const dir = mkdtempSync(join(tmpdir(), "gatehouse-conformance-"));
// Pre-registered credentials come with the issuer that issued them, as an operator's do: Gatehouse sends them nowhere else.
const oauth = context.client_id
  ? {
    clientId: context.client_id,
    ...(context.client_secret ? { clientSecret: context.client_secret } : {}),
    authorizationServer: context.issuer,
  }
  : { clientMetadataUrl };
// An operator turns the 2025-03-26 default endpoints on for a server known to publish no metadata, as this scenario's is.
if (process.env.MCP_CONFORMANCE_SCENARIO === "auth/2025-03-26-oauth-endpoint-fallback") oauth.defaultEndpoints = true;
writeFileSync(join(dir, "policy.json"), JSON.stringify({ version: "1", default: "allow" }));
writeFileSync(join(dir, "gatehouse.json"), JSON.stringify({
  listen: gateway,
  dataDir: "./data",
  mcpServers: { upstream: { url: serverUrl, oauth } },
  grants: [{ id: "conformance", server: "upstream", identities: ["conformance"], policy: "policy.json" }],
  auth: { anonymous: "conformance" },
}));

const child = spawn("dotnet", [dll, "serve", "--config", join(dir, "gatehouse.json")], { stdio: ["ignore", "inherit", "inherit"] });
let exitCode = 1;
try {
  await waitForGateway();
  const refusal = await initialize();
  const link = linkIn(refusal.error);
  if (!link) throw new Error(`Expected a refusal with a link to connect, got ${JSON.stringify(refusal)}`);
  await browse(link);

  // A server of MCP 2026-07-28 alone takes no initialize: such a client sends each request on its own.
  const sessionless = await connectingAgain(() => sessionlessRequest("tools/list", {}));
  let tools = sessionless;
  if (!sessionless.message?.result) {
    const session = await initialize();
    if (session.error) throw new Error(`Still refused after connecting: ${JSON.stringify(session.error)}; without a session: ${JSON.stringify(sessionless.message)}`);
    await post({ jsonrpc: "2.0", method: "notifications/initialized" }, session.sessionId);
    tools = await connectingAgain(() => post({ jsonrpc: "2.0", id: 2, method: "tools/list", params: {} }, session.sessionId));
    const first = tools.message?.result?.tools?.[0];
    if (first) await connectingAgain(() => post({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: first.name, arguments: {} } }, session.sessionId));
  } else if (sessionless.message.result.tools?.[0]) {
    await connectingAgain(() => sessionlessRequest("tools/call", { name: sessionless.message.result.tools[0].name, arguments: {} }));
  }
  console.log(`Called through Gatehouse: ${JSON.stringify(tools.message?.result ?? tools.message?.error)}`);
  exitCode = 0;
} catch (error) {
  console.error(String(error?.stack ?? error));
} finally {
  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));
  rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);

// A request refused with a link (the upstream wants more scope, or moved to another authorization server): the person
// opens it, as they would, and the request is sent again in the same session, once.
async function connectingAgain(send) {
  const answer = await send();
  const link = linkIn(answer.message?.error);
  if (!link) return answer;
  await browse(link);
  const again = await send();
  if (linkIn(again.message?.error)) throw new Error(`Still refused after connecting again: ${JSON.stringify(again.message.error)}`);
  return again;
}

function linkIn(error) {
  return /https?:\/\/\S+\/connect\/[^\s?]+\?ticket=[A-Za-z0-9_\-%]+/.exec(error?.message ?? "")?.[0];
}

async function waitForGateway() {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${gateway}/healthz`, { signal: deadline(2_000) })).ok) return;
    } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("Gatehouse did not start listening within 60 s");
}

async function initialize() {
  const answer = await post({
    jsonrpc: "2.0", id: 1, method: "initialize",
    params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "gatehouse-conformance-wrapper", version: "1.0.0" } },
  });
  return { ...answer.message, sessionId: answer.sessionId };
}

function sessionlessRequest(method, params) {
  const version = "2026-07-28";
  params._meta = { "io.modelcontextprotocol/protocolVersion": version, "io.modelcontextprotocol/clientCapabilities": {} };
  const headers = { "mcp-protocol-version": version, "mcp-method": method, ...(params.name ? { "mcp-name": params.name } : {}) };
  return post({ jsonrpc: "2.0", id: 10, method, params }, undefined, headers);
}

async function post(message, sessionId, extraHeaders = { "mcp-protocol-version": "2025-11-25" }) {
  const response = await fetch(`${gateway}/mcp/upstream`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...extraHeaders,
      ...(sessionId ? { "mcp-session-id": sessionId } : {}),
    },
    body: JSON.stringify(message),
    signal: deadline(60_000),
  });
  const text = await response.text();
  const body = (response.headers.get("content-type") ?? "").includes("text/event-stream")
    ? text.split("\n").filter((line) => line.startsWith("data:")).map((line) => line.slice(5).trim()).filter(Boolean).at(-1)
    : text;
  return { sessionId: response.headers.get("mcp-session-id"), message: body ? JSON.parse(body) : undefined };
}

// The person's browser: the link, the authorization server (which the suite's approves at once), and back to Gatehouse.
async function browse(link) {
  let url = link;
  for (let hop = 0; hop < 10; hop++) {
    const response = await fetch(url, { redirect: "manual", signal: deadline(60_000) });
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      url = new URL(location, url).toString();
      continue;
    }
    const page = await response.text();
    if (response.status !== 200) throw new Error(`Connecting the account ended on ${response.status}: ${page}`);
    return;
  }
  throw new Error("Too many redirects while connecting the account");
}
