"""The feed store's Lua scripts: each change to the timelines is one atomic step.

Why Lua: publishing an item touches the item hash, each rep's timeline and its bound, the
record's holders and any running rebuild's fresh keys; a delete does the reverse; a page
read must see one consistent timeline. Each script runs in Redis as one step, so readers
never see half a change and two workers never interleave (``workers.feed`` calls them).

Why the change log is written here: an offline app asks what changed in its rep's
timeline since its last sync (``workers.feed_changes``). Each script that changes a live
timeline appends what it did to that rep's change log in the same step, so the log can
never miss a change nor announce one that did not happen. A rebuild's fresh keys keep no
log: swapping them in starts a new generation of the timeline (see ``feed_changes``).
"""

from __future__ import annotations

LOG_TRIM_BATCH = 100  # change-log entries past its bound before it is trimmed (in whole nodes)

SPLIT = """
local function split(text)
  local parts = {}
  for part in string.gmatch(text, '[^ ]+') do parts[#parts + 1] = part end
  return parts
end
"""

# The change log of one rep: a stream of one-field entries, ``+ <item id>`` for an item
# added or replaced, ``d|r|t <item id> <Module/record>`` for one that left (record
# deleted, reassigned away, trimmed past the bound). ``log`` is false when the keys are a
# rebuild's. Trimming drops whole stream nodes, and remembers the newest entry dropped
# (the floor) so a reader knows whether its position is still covered.
CHANGE_LOG = f"""
local function note(log, kind, value)
  if log then redis.call('XADD', log, '*', kind, value) end
end
local function cap(log, floors, user, keep)
  if not log then return end
  local excess = redis.call('XLEN', log) - keep
  if excess < {LOG_TRIM_BATCH} then return end
  local oldest = redis.call('XRANGE', log, '-', '+', 'COUNT', excess)
  local removed = redis.call('XTRIM', log, 'MAXLEN', '~', keep)
  if removed > 0 then redis.call('HSET', floors, user, oldest[removed][1]) end
end
"""

# KEYS: holders, users, tombstone, live holders (the version guard), rebuilds, log floors,
# then (timeline, items, recs, change log) per user, the audience first. ARGV: record
# field, item id, score, version, stored JSON, bound, audience size, rebuild token ('' for
# live), users...
PUBLISH = SPLIT + CHANGE_LOG + """
local field, id, score, version, data = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local bound, n_aud, token = tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8]
local users = {}
for i = 9, #ARGV do users[#users + 1] = ARGV[i] end
if token ~= '' and redis.call('HEXISTS', KEYS[5], token) == 0 then return 'closed' end
if redis.call('EXISTS', KEYS[3]) == 1 then return 'gone' end
for _, key in ipairs({KEYS[4], KEYS[1]}) do
  local latest = redis.call('HGET', key, field)
  if latest and split(latest)[1] > version then return 'stale' end
end
local entry = redis.call('HGET', KEYS[1], field)
if entry then
  local known = {}
  for _, u in ipairs(users) do known[u] = true end
  local parts = split(entry)
  for i = 2, #parts do if not known[parts[i]] then return 'retry' end end
end
local function forget_holder(f, user)
  local e = redis.call('HGET', KEYS[1], f)
  if not e then return end
  local parts, kept = split(e), {}
  kept[1] = parts[1]
  for i = 2, #parts do if parts[i] ~= user then kept[#kept + 1] = parts[i] end end
  if #kept == 1 then redis.call('HDEL', KEYS[1], f)
  else redis.call('HSET', KEYS[1], f, table.concat(kept, ' ')) end
end
for i, user in ipairs(users) do
  local base = 6 + 4 * (i - 1)
  local tl, items, recs = KEYS[base + 1], KEYS[base + 2], KEYS[base + 3]
  local log = token == '' and KEYS[base + 4]
  local held = redis.call('HGET', recs, field)
  local before = held and split(held)[2]  -- the record's item in this timeline until now
  if before and (i > n_aud or before ~= id) then
    redis.call('ZREM', tl, before)
    redis.call('HDEL', items, before)
    redis.call('HDEL', recs, field)
    if i > n_aud then note(log, 'r', before .. ' ' .. field) end
  end
  if i <= n_aud then
    local previous = before == id and redis.call('HGET', items, id)
    redis.call('ZADD', tl, score, id)
    redis.call('HSET', items, id, data)
    redis.call('HSET', recs, field, version .. ' ' .. id)
    redis.call('SADD', KEYS[2], user)
    local excess = redis.call('ZCARD', tl) - bound
    if excess > 0 then
      local dropped = redis.call('ZRANGE', tl, 0, excess - 1)
      redis.call('ZREMRANGEBYRANK', tl, 0, excess - 1)
      for _, gone in ipairs(dropped) do
        local json = redis.call('HGET', items, gone)
        redis.call('HDEL', items, gone)
        if json then
          local item = cjson.decode(json)
          local f = item['module'] .. '/' .. item['record_id']
          redis.call('HDEL', recs, f)
          if f ~= field then
            forget_holder(f, user)
            note(log, 't', gone .. ' ' .. f)
          elseif before then  -- the new version went straight past the bound
            note(log, 't', before .. ' ' .. f)
          end
        end
      end
    end
    if redis.call('ZSCORE', tl, id) and previous ~= data then note(log, '+', id) end
    cap(log, KEYS[6], user, bound)
  end
end
local holders = {version}
for i = 1, n_aud do
  if redis.call('HEXISTS', KEYS[5 + 4 * i], field) == 1 then
    holders[#holders + 1] = users[i]
  end
end
if #holders == 1 then redis.call('HDEL', KEYS[1], field)
else redis.call('HSET', KEYS[1], field, table.concat(holders, ' ')) end
return 'published'
"""

# KEYS: holders, rebuilds, log floors, then (timeline, items, recs, change log) per holder.
# ARGV: record field, rebuild token, holders...
REMOVE = SPLIT + CHANGE_LOG + """
local field, token = ARGV[1], ARGV[2]
if token ~= '' and redis.call('HEXISTS', KEYS[2], token) == 0 then return -1 end
local entry = redis.call('HGET', KEYS[1], field)
if entry then
  local known = {}
  for i = 3, #ARGV do known[ARGV[i]] = true end
  local parts = split(entry)
  for i = 2, #parts do if not known[parts[i]] then return -2 end end
end
local removed = 0
for i = 3, #ARGV do
  local base = 3 + (i - 3) * 4
  local tl, items, recs = KEYS[base + 1], KEYS[base + 2], KEYS[base + 3]
  local held = redis.call('HGET', recs, field)
  if held then
    local id = split(held)[2]
    redis.call('ZREM', tl, id)
    redis.call('HDEL', items, id)
    redis.call('HDEL', recs, field)
    note(token == '' and KEYS[base + 4], 'd', id .. ' ' .. field)
    removed = removed + 1
  end
end
redis.call('HDEL', KEYS[1], field)
return removed
"""

# KEYS: timeline, items. ARGV: how many, cursor score ('' for the top), cursor item id,
# kinds (space-separated, '' for all), record module and id ('' for all).
# Order: score descending, then item id descending (Redis' own order, reversed).
# Without filters it reads exactly the ids it returns; with filters it walks the timeline
# (bounded) in chunks until the page is full, matching each item's JSON as text: a filter
# is a JSON token, "kind":"note" or "Cases:<id>", preceded by the character that must
# precede it there ({ or , before a key; [ or , before a list entry). Inside a JSON string
# every quote is escaped (\"), so a title can never fake one; and the encoder writes no
# spaces (``workers.feed_codec``). Module and id are letters, digits and _ . - only, so
# they need no escaping. Matching text is several times faster than decoding each item.
PAGE = """
local want, score, after = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local kinds, module, record = ARGV[4], ARGV[5], ARGV[6]
local filtered = kinds ~= '' or module ~= ''
local wanted = {}
for kind in string.gmatch(kinds, '[^ ]+') do wanted[#wanted + 1] = '"kind":"' .. kind .. '"' end
local own_module, own_id = '"module":"' .. module .. '"', '"record_id":"' .. record .. '"'
local as_related = '"' .. module .. ':' .. record .. '"'
local function has(data, token, before)
  local from = 1
  while true do
    local at = string.find(data, token, from, true)
    if not at then return false end
    if at > 1 and string.find(before, string.sub(data, at - 1, at - 1), 1, true) then
      return true
    end
    from = at + 1
  end
end
local function matches(data)
  if not filtered then return true end
  if #wanted > 0 then
    local any = false
    for _, token in ipairs(wanted) do
      if has(data, token, '{,') then any = true; break end
    end
    if not any then return false end
  end
  if module == '' then return true end
  return (has(data, own_module, '{,') and has(data, own_id, '{,'))
    or has(data, as_related, '[,')
end
local out = {}
local function full(id, at)
  local data = redis.call('HGET', KEYS[2], id)
  if data and matches(data) then
    out[#out + 1] = id; out[#out + 1] = at; out[#out + 1] = data
  end
  return #out / 3 >= want
end
local function chunk() if filtered then return 100 end return want - #out / 3 end
if score == '' then
  local start = 0
  while true do
    local size = chunk()
    local rows = redis.call('ZREVRANGE', KEYS[1], start, start + size - 1, 'WITHSCORES')
    for i = 1, #rows, 2 do if full(rows[i], rows[i + 1]) then return out end end
    if #rows < 2 * size then return out end
    start = start + size
  end
end
local same = redis.call('ZRANGEBYSCORE', KEYS[1], score, score)
for i = #same, 1, -1 do
  if same[i] < after and full(same[i], score) then return out end
end
local offset = 0
while true do
  local size = chunk()
  local rows = redis.call('ZREVRANGEBYSCORE', KEYS[1], '(' .. score, '-inf',
                          'WITHSCORES', 'LIMIT', offset, size)
  for i = 1, #rows, 2 do if full(rows[i], rows[i + 1]) then return out end end
  if #rows < 2 * size then return out end
  offset = offset + size
end
"""
