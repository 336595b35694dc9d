// Run one Cypher statement against ChainKG's Neo4j with Neo4j's JavaScript driver (an external
// Bolt client, not our Python code) and print the rows as JSON lines.
// Usage: NEO4J_PASSWORD=... node query.mjs bolt://127.0.0.1:7687 'MATCH (c:Chain) RETURN c.name AS name'
// (an empty NEO4J_PASSWORD connects without credentials, which an auth-enabled server refuses).
import neo4j from "neo4j-driver";

const [uri, cypher] = process.argv.slice(2);
const user = process.env.NEO4J_USER || "neo4j";
const password = process.env.NEO4J_PASSWORD || "";
const auth = password ? neo4j.auth.basic(user, password) : neo4j.auth.none();
const driver = neo4j.driver(uri, auth, { disableLosslessIntegers: true });
try {
  const { records } = await driver.executeQuery(cypher, {}, { database: process.env.NEO4J_DATABASE || "neo4j" });
  for (const r of records) console.log(JSON.stringify(r.toObject()));
  const info = await driver.getServerInfo();
  console.error(`server ${info.agent} protocol ${info.protocolVersion}`);
} catch (e) {
  console.error(`error: ${e.code || e.name}: ${e.message}`);
  process.exitCode = 2;
} finally {
  await driver.close();
}
