package chainkg;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.io.ByteUnit;

/**
 * Starts an embedded Neo4j 5.26 Community DBMS with Bolt on 127.0.0.1 and waits for SIGTERM.
 *
 * Arguments: HOME_DIR PORT. Environment: CHAINKG_NEO4J_PAGECACHE_MB (default 1024),
 * CHAINKG_NEO4J_PASSWORD (when set, auth is enabled and the neo4j user gets that password at
 * every start; chainkg always sets it: NEO4J_PASSWORD or the password generated in CHAINKG_HOME).
 * Prints "CHAINKG_NEO4J_READY bolt://127.0.0.1:PORT" once Bolt accepts connections; the
 * Python side (graph/server.py) still verifies readiness with RETURN 1 over Bolt.
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: Launcher HOME_DIR PORT");
            System.exit(64);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        Map<String, String> env = System.getenv();
        long pagecacheMb = Long.parseLong(env.getOrDefault("CHAINKG_NEO4J_PAGECACHE_MB", "1024"));
        String password = env.getOrDefault("CHAINKG_NEO4J_PASSWORD", "");
        boolean auth = !password.isEmpty();

        SocketAddress bolt = new SocketAddress("127.0.0.1", port);
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, bolt)
                .setConfig(BoltConnector.advertised_address, bolt)
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, auth)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pagecacheMb))
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("CHAINKG_NEO4J_STOPPING");
            System.out.flush();
            dbms.shutdown();
            System.out.println("CHAINKG_NEO4J_STOPPED");
            System.out.flush();
            stopped.countDown();
        }, "chainkg-shutdown"));

        if (auth) {
            // Embedded calls bypass auth, so the system database can set the password directly.
            // At every start: the password (NEO4J_PASSWORD or the generated one) is the truth. Neo4j
            // refuses to "change" a password to the one it already has; that is the normal restart.
            try {
                dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                        "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
            } catch (QueryExecutionException e) {
                if (!String.valueOf(e.getMessage()).contains("cannot be the same")) {
                    // Never leave a half-started server waiting: report it like a failed database.
                    System.out.println("CHAINKG_NEO4J_DATABASE_FAILED system setting the password failed: "
                            + String.valueOf(e.getMessage()).replace('\n', ' '));
                    System.out.flush();
                    System.exit(3);
                }
            }
        }
        // The DBMS can come up while the default database fails (corrupt store, wrong version):
        // report that as a failed start with the server's own status message instead of waiting.
        String dbName = env.getOrDefault("CHAINKG_NEO4J_DATABASE", GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        String failure = awaitDatabase(dbms, dbName, 120_000);
        if (failure != null) {
            System.out.println("CHAINKG_NEO4J_DATABASE_FAILED " + dbName + " " + failure.replace('\n', ' '));
            System.out.flush();
            System.exit(3);
        }
        String version = org.neo4j.kernel.internal.Version.getNeo4jVersion();
        System.out.println("CHAINKG_NEO4J_READY bolt://127.0.0.1:" + port + " version=" + version
                + " auth=" + auth);
        System.out.flush();
        stopped.await();
    }

    /** Null once the database is online; the server's status message if it fails or times out. */
    private static String awaitDatabase(DatabaseManagementService dbms, String name, long timeoutMs)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        String last = "timed out";
        while (System.currentTimeMillis() < deadline) {
            if (dbms.database(name).isAvailable(0)) {
                return null;
            }
            try {
                String[] st = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                        "SHOW DATABASE $db YIELD currentStatus, requestedStatus, statusMessage "
                                + "RETURN currentStatus, requestedStatus, statusMessage",
                        Map.of("db", name), r -> {
                            if (!r.hasNext()) {
                                return new String[] {"missing", "", "database not found"};
                            }
                            Map<String, Object> row = r.next();
                            return new String[] {String.valueOf(row.get("currentStatus")),
                                    String.valueOf(row.get("requestedStatus")), String.valueOf(row.get("statusMessage"))};
                        });
                last = st[0] + ": " + st[2];
                boolean failed = !st[2].isEmpty() && !"null".equals(st[2]) && !"starting".equals(st[0]);
                if (failed || "missing".equals(st[0])) {
                    return last;
                }
            } catch (RuntimeException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        return last;
    }
}
