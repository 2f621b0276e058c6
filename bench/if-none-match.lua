-- bench/if-none-match.lua - wrk script: every request is conditional,
-- If-None-Match set to the ETag that the server under test gave (env ETAG),
-- so every answer should be 304 Not Modified.
wrk.headers["If-None-Match"] = os.getenv("ETAG")
