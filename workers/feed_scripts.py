"""The feed store's Lua scripts: each change to the timelines is one atomic step.

Why Lua: publishing an item touches each rep's timeline and its bound, the record index,
the change logs and any running rebuild's fresh keys; a delete does the reverse; a page
read must see one consistent timeline. Each script runs in Redis as one step, so readers
never see half a change and two workers never interleave (``workers.feed`` calls them).

Why the timeline is a sorted *list*: a rep's timeline is a Redis list of stored items
(``workers.feed_codec``) in descending order of their sort key (time, then id). A list of
500 items is a few listpack nodes, about 10 bytes per item over the item itself, where a
sorted set of item ids beside a hash of their JSON took about 220. A binary search over
LINDEX finds any item whose sort key is known (``find``), LINSERT puts a new one in
place, RPOP drops the oldest past the bound, LRANGE reads a page.

Why the record index says where each holder's item sits: the index (one field per record,
in :data:`~workers.feed_codec.INDEX_BUCKETS` small hashes) holds the record's latest
:class:`~workers.feed_codec.Stamp` and the numbers of the reps holding it (``reps`` maps
user ids to numbers once and for all), so a newer version finds the older item in each
holder's timeline, a delete finds every holder, and a late, older version is refused. A
holder whose item is another version than the latest (after ``feed rebuild --user``)
carries its own stamp: ``<stamp> <n> <n>:<stamp>``. Every key a script writes is passed
in: the index buckets a trim may reach are read first (``PLAN``) and checked again.

Why the change log is written here: an offline app asks what changed in its rep's
timeline since its last sync (``workers.feed_changes``). Each script that changes a live
timeline appends what it did to that rep's log (a list: ``+<item id>``, or ``d``/``r``/``t``
``<version> <Module>/<record id>`` for an item that left) in the same step, so the log
never misses a change nor announces one that did not happen. It keeps at least as many
of the newest entries as the timeline's bound; ``change-floors`` counts those trimmed
away. A rebuild's fresh keys keep no log: swapping them in starts a new generation (see
``feed_changes``).
"""

from __future__ import annotations

from workers import feed_codec as codec

LOG_TRIM_BATCH = 100  # change-log entries past its bound before it is trimmed

LIB = codec.LUA

# Finding and placing elements in a timeline (sorted by sort key, descending).
TIMELINE = """
local function seek(tl, key)  -- the position of the first element whose sort key is <= key
  local lo, hi = 0, redis.call('LLEN', tl)
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if string.sub(redis.call('LINDEX', tl, mid), 1, KEY_LENGTH) > key then lo = mid + 1
    else hi = mid end
  end
  return lo
end
local function find(tl, key)  -- the element with this sort key and its position, or nil
  local at = seek(tl, key)
  local element = redis.call('LINDEX', tl, at)
  if element and string.sub(element, 1, KEY_LENGTH) == key then return element, at end
end
local function insert(tl, element)
  local pivot = redis.call('LINDEX', tl, seek(tl, string.sub(element, 1, KEY_LENGTH)))
  if pivot then redis.call('LINSERT', tl, 'BEFORE', pivot, element)
  else redis.call('RPUSH', tl, element) end
end
"""

# ``log`` is false for a rebuild's keys. Each rep's log keeps at least ``keep`` entries,
# and is trimmed back to that many once it is LOG_TRIM_BATCH past it.
CHANGE_LOG = f"""
local function note(log, kind, element, ref)
  if not log then return end
  if kind == '+' then
    redis.call('RPUSH', log, '+' .. string.sub(element, 11, KEY_LENGTH))
  else
    local _, version = stamp_of(element)
    redis.call('RPUSH', log, kind .. version .. ' ' .. (ref or ref_of(element)))
  end
end
local function cap(log, floors, user, keep)
  if not log then return end
  local excess = redis.call('LLEN', log) - keep
  if excess >= {LOG_TRIM_BATCH} then
    redis.call('LTRIM', log, excess, -1)
    redis.call('HINCRBY', floors, user, excess)
  end
end
"""

# Read-only, before PUBLISH: what it will need. KEYS: index bucket, rep ids, then the
# audience's timelines. ARGV: field, bound. Answers {entry or '', holders' user ids in the
# entry's order, the index buckets of the items the bound may trim}.
PLAN = LIB + """
local entry = redis.call('HGET', KEYS[1], ARGV[1])
local users, seen, buckets = {}, {}, {}
if entry then
  for i, holder in ipairs(parse_entry(entry).holders) do
    users[i] = redis.call('HGET', KEYS[2], holder[1]) or ''
  end
end
for i = 3, #KEYS do
  for _, element in ipairs(redis.call('LRANGE', KEYS[i], tonumber(ARGV[2]) - 1, -1)) do
    local bucket = slot(ref_of(element))
    if not seen[bucket] then seen[bucket] = true; buckets[#buckets + 1] = bucket end
  end
end
return {entry or '', users, buckets}
"""

# KEYS: index bucket, users, tombstone, live index bucket (the version guard), rebuilds,
# change floors, rep numbers, rep ids, then (timeline, change log) per user, the audience
# first, then the index buckets a trim may reach. ARGV: field, bucket, element, stamp,
# the entry PLAN read ('' none), bound, audience size, user count, rebuild token ('' for
# live), record ref, then the users, each user's held sort key ('' none), the buckets.
PUBLISH = LIB + TIMELINE + CHANGE_LOG + """
local field, element, stamp, expected = ARGV[1], ARGV[3], ARGV[4], ARGV[5]
local bound, n_aud, n_users = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local token, ref = ARGV[9], ARGV[10]
local users, held_keys, buckets = {}, {}, {[tonumber(ARGV[2])] = KEYS[1]}
for i = 1, n_users do users[i] = ARGV[10 + i]; held_keys[i] = ARGV[10 + n_users + i] end
for j = 1, #ARGV - 10 - 2 * n_users do
  buckets[tonumber(ARGV[10 + 2 * n_users + j])] = KEYS[8 + 2 * n_users + j]
end
if token ~= '' and redis.call('HEXISTS', KEYS[5], token) == 0 then return 'closed' end
if redis.call('EXISTS', KEYS[3]) == 1 then return 'gone' end
local version = version_of(stamp)
for _, key in ipairs({KEYS[4], KEYS[1]}) do
  local latest = redis.call('HGET', key, field)
  if latest and version_of(split(latest)[1]) > version then return 'stale' end
end
if (redis.call('HGET', KEYS[1], field) or '') ~= expected then return 'retry' end
for i = 1, n_aud do
  for _, e in ipairs(redis.call('LRANGE', KEYS[7 + 2 * i], bound - 1, -1)) do
    if not buckets[(slot(ref_of(e)))] then return 'retry' end
  end
end
local function number_of(user)
  local n = redis.call('HGET', KEYS[7], user)
  if not n then
    n = tostring(redis.call('HLEN', KEYS[8]) + 1)
    redis.call('HSET', KEYS[7], user, n)
    redis.call('HSET', KEYS[8], n, user)
  end
  return n
end
local function forget(gone, n)  -- the rep numbered n no longer holds gone's record
  local bucket, f = slot(ref_of(gone))
  local text = redis.call('HGET', buckets[bucket], f)
  if text then
    local entry = parse_entry(text)
    drop_holder(entry, n)
    save_entry(buckets[bucket], f, entry)
  end
end
local key = string.sub(element, 1, KEY_LENGTH)
local holders = {}
for i, user in ipairs(users) do
  local tl, log = KEYS[7 + 2 * i], token == '' and KEYS[8 + 2 * i]
  local held, position
  if held_keys[i] ~= '' then held, position = find(tl, held_keys[i]) end
  local audience = i <= n_aud
  if held and (not audience or held_keys[i] ~= key) then
    redis.call('LREM', tl, 1, held)
    if not audience then note(log, 'r', held, ref) end
  end
  if audience then
    local changed = true
    if held and held_keys[i] == key then
      changed = held ~= element
      if changed then redis.call('LSET', tl, position, element) end
    else
      insert(tl, element)
    end
    redis.call('SADD', KEYS[2], user)
    local n, kept = number_of(user), true
    for _ = 1, redis.call('LLEN', tl) - bound do
      local gone = redis.call('RPOP', tl)
      if string.sub(gone, 1, KEY_LENGTH) == key then  -- the new one went straight past it
        kept = false
        if held then note(log, 't', held, ref) end
      else
        forget(gone, n)
        note(log, 't', gone)
      end
    end
    if kept then
      holders[#holders + 1] = {n}
      if changed then note(log, '+', element) end
    end
    cap(log, KEYS[6], user, bound)
  end
end
save_entry(KEYS[1], field, {stamp = stamp, holders = holders})
return 'published'
"""

# KEYS: index bucket, rebuilds, change floors, then (timeline, change log) per holder.
# ARGV: field, rebuild token, the entry read ('' none), record ref, then the holders,
# then each one's held sort key.
REMOVE = LIB + TIMELINE + CHANGE_LOG + """
local field, token, ref = ARGV[1], ARGV[2], ARGV[4]
if token ~= '' and redis.call('HEXISTS', KEYS[2], token) == 0 then return -1 end
if (redis.call('HGET', KEYS[1], field) or '') ~= ARGV[3] then return -2 end
local n = (#ARGV - 4) / 2
local removed = 0
for i = 1, n do
  local tl = KEYS[2 + 2 * i]
  local held = find(tl, ARGV[4 + n + i])
  if held then
    redis.call('LREM', tl, 1, held)
    note(token == '' and KEYS[3 + 2 * i], 'd', held, ref)
    removed = removed + 1
  end
end
redis.call('HDEL', KEYS[1], field)
return removed
"""

# KEYS: timeline. ARGV: how many, the cursor's sort key ('' for the top), kind letters
# and kind names (space-separated; both '' for all), the record's module letter ('' when
# it has none), module and record id ('' for all). Without filters it reads exactly the
# elements it returns; with filters it walks the (bounded) timeline in chunks until the
# page is full. The kind is the header's letter (the JSON names a kind without one); for
# the record, only an element whose text contains the record id is decoded, to compare
# its record and its ``related`` exactly (a title that quotes an id is only text).
PAGE = LIB + TIMELINE + """
local want, cursor, letters, spelled = tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4]
local code, module, record = ARGV[5], ARGV[6], ARGV[7]
local names, as_related = {}, {}
for kind in string.gmatch(spelled, '[^ ]+') do names[kind] = true end
as_related[module .. ':' .. record] = true
as_related['-' .. module .. ':' .. record] = true
if code ~= '' then as_related[code .. ':' .. record] = true end
local function matches(e)
  local data
  if letters ~= '' or spelled ~= '' then
    local letter = string.sub(e, KEY_LENGTH + 1, KEY_LENGTH + 1)
    if letter == '-' then
      data = values_of(e)
      if not names[data[10]] then return false end
    elseif not string.find(letters, letter, 1, true) then
      return false
    end
  end
  if record == '' then return true end
  if not string.find(e, record, KEY_LENGTH + 3, true) then return false end
  data = data or values_of(e)
  local letter = string.sub(e, KEY_LENGTH + 2, KEY_LENGTH + 2)
  if data[1] == record and (letter == code or data[11] == module) then return true end
  if type(data[6]) == 'table' then
    for _, reference in ipairs(data[6]) do if as_related[reference] then return true end end
  end
  return false
end
local start = 0
if cursor ~= '' then
  start = seek(KEYS[1], cursor)
  local e = redis.call('LINDEX', KEYS[1], start)
  if e and string.sub(e, 1, KEY_LENGTH) == cursor then start = start + 1 end
end
if letters == '' and spelled == '' and record == '' then
  return redis.call('LRANGE', KEYS[1], start, start + want - 1)
end
local out = {}
while true do
  local rows = redis.call('LRANGE', KEYS[1], start, start + 99)
  for _, e in ipairs(rows) do
    if matches(e) then
      out[#out + 1] = e
      if #out >= want then return out end
    end
  end
  if #rows < 100 then return out end
  start = start + 100
end
"""
