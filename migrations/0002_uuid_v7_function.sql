-- Time-ordered UUIDs (RFC 9562 version 7) for the tables a sync writes by the hundred thousand.
-- gen_random_uuid() draws from the strong random source once per row, which costs more than the rest of the row's
-- insert, and its random ids land all over the primary key and id-bearing indexes; a version 7 id starts with the
-- millisecond timestamp, so new rows append at the right edge of those indexes. PostgreSQL 18 has uuidv7(); this is
-- the same layout for 15: 48 bits of Unix milliseconds, version 7, then 74 bits from random() (seeded per backend
-- from the strong source), with the RFC 4122 variant bits. Ids need to be unique, not secret: nothing is granted by
-- knowing one, and the primary keys still refuse a duplicate.
CREATE OR REPLACE FUNCTION hub_uuid_v7() RETURNS uuid
LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
  SELECT encode(
    substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
      || int2send((28672 | floor(random() * 4096)::int)::smallint)
      || int8send((-9223372036854775808)::bigint | (floor(random() * 1073741824)::bigint << 32) | floor(random() * 4294967296)::bigint),
    'hex')::uuid
$$;
