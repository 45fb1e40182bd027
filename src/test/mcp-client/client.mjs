// Drives the LightMem MCP endpoint with the official MCP TypeScript SDK over streamable HTTP and
// prints one JSON document of what it saw; io.lightmem.api.mcp.McpSdkTest asserts on it.
// Usage: node client.mjs <endpoint URL> <user id> [JSON object of headers every request carries]
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const [endpoint, userId, headers] = process.argv.slice(2);
if (!endpoint || !userId) {
  console.error('usage: node client.mjs <endpoint URL> <user id>');
  process.exit(2);
}

const client = new Client({ name: 'lightmem-sdk-test', version: '1.0.0' });
const transport = new StreamableHTTPClientTransport(new URL(endpoint),
  { requestInit: { headers: JSON.parse(headers ?? '{}') } });
const out = {};

// A tool call as the SDK returns it; a JSON-RPC error (or a failed output-schema validation, which
// the SDK raises for a tool that declares an outputSchema) is recorded instead of thrown.
async function call(name, args) {
  try {
    return await client.callTool({ name, arguments: args });
  } catch (error) {
    return { thrown: { code: error.code ?? null, message: error.message } };
  }
}

try {
  await client.connect(transport);
  out.session = { id: transport.sessionId ?? null, protocolVersion: transport.protocolVersion ?? null };
  out.server = client.getServerVersion();
  out.instructions = client.getInstructions() ?? null;

  const { tools } = await client.listTools();
  out.tools = tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    inputSchema: tool.inputSchema,
    hasOutputSchema: tool.outputSchema !== undefined,
    annotations: tool.annotations ?? null,
  }));

  out.add = await call('add_memory', {
    user_id: userId,
    user_input: 'My favorite color is blue.',
    assistant_reply: 'Blue is a great color!',
    timestamp: '2024-01-15T10:30:00',
  });
  out.addWithoutTimestamp = await call('add_memory', {
    user_id: userId,
    user_input: 'I adopted a cat named Miso.',
    assistant_reply: 'Congratulations on Miso!',
    force_extract: true,
  });
  out.retrieve = await call('retrieve_memory', {
    user_id: userId,
    query: "What is the user's favorite color?",
    limit: 2,
  });
  out.retrieveFiltered = await call('retrieve_memory', {
    user_id: userId,
    query: 'pets',
    filters: { time_from: '2024-01-16T00:00:00' },
  });

  // Bad input: a tool error the model can read, and nothing stored.
  out.badTimestamp = await call('add_memory', {
    user_id: userId,
    user_input: 'I moved to Lisbon.',
    assistant_reply: 'Lisbon is lovely.',
    timestamp: 'last tuesday',
  });
  out.afterBadTimestamp = await call('retrieve_memory', {
    user_id: userId,
    query: 'Where does the user live?',
    limit: 10,
  });
  out.missingUserId = await call('retrieve_memory', { query: 'anything' });
  out.unknownTool = await call('no_such_tool', {});

  out.timestamp = await call('get_timestamp', {});
  out.instance = await call('show_lightmem_instance', {});

  await transport.terminateSession();
} catch (error) {
  out.failure = { message: error.message, stack: error.stack };
} finally {
  await client.close().catch(() => {});
}

process.stdout.write(JSON.stringify(out, null, 2) + '\n');
process.exit(out.failure ? 1 : 0);
