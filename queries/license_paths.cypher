// name: license_paths
// title: 许可与转让路径 Licence paths between two organisations
// description: The shortest paths (either direction) between two organisations over licences, transfers, subsidiaries and cooperation, one row per hop with its patent, date and type.
// param: from_org: org (required) — first organisation (id or name)
// param: to_org: org (required) — second organisation (id or name)
// param: max_hops: int = 4 [1..6] — hop ceiling
// param: paths: int = 5 [1..50] — how many shortest paths to return
// timeout: 10
// SHORTEST k finds the k shortest paths by breadth-first search, so parallel edges (several
// licences between the same pair) do not blow up the expansion the way *1..n enumeration does.
MATCH (a:Organization {org_id: $from_org})
MATCH (b:Organization {org_id: $to_org})
MATCH path = SHORTEST {{paths}} (a)-[:LICENSED_TO|ASSIGNED_TO|SUBSIDIARY_OF|COOPERATES_WITH]-{1,{{max_hops}}}(b)
WITH path, length(path) AS hops
ORDER BY hops
WITH collect(path) AS found
UNWIND range(0, size(found) - 1) AS i
WITH i + 1 AS path_no, found[i] AS path
UNWIND range(0, length(path) - 1) AS k
WITH path_no, length(path) AS path_length, k + 1 AS hop, relationships(path)[k] AS r
WITH path_no, path_length, hop, r, startNode(r) AS s, endNode(r) AS e
RETURN path_no,
       path_length,
       hop,
       s.org_id AS from_id,
       s.name AS from_name,
       type(r) AS relation,
       e.org_id AS to_id,
       e.name AS to_name,
       r.pub_no AS pub_no,
       r.date AS date,
       coalesce(r.type, r.mode, r.method) AS detail,
       coalesce(r.license_id, r.transfer_id, r.source) AS record
ORDER BY path_no, hop
