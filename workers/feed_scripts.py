"""The feed store's Lua scripts: each change to the timelines is one atomic step.

Why Lua: publishing an item touches the item hash, each rep's timeline and its bound, the
record's holders and any running rebuild's fresh keys; a delete does the reverse; a page
read must see one consistent timeline. Each script runs in Redis as one step, so readers
never see half a change and two workers never interleave (``workers.feed`` calls them).
"""

from __future__ import annotations

SPLIT = """
local function split(text)
  local parts = {}
  for part in string.gmatch(text, '[^ ]+') do parts[#parts + 1] = part end
  return parts
end
"""

# KEYS: holders, users, tombstone, live holders (the version guard), rebuilds, then
# (timeline, items, recs) per user, the audience first. ARGV: record field, item id,
# score, version, JSON, bound, audience size, rebuild token ('' for live), users...
PUBLISH = SPLIT + """
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
  local tl, items, recs = KEYS[3 + 3 * i], KEYS[4 + 3 * i], KEYS[5 + 3 * i]
  local held = redis.call('HGET', recs, field)
  if held then
    local old = split(held)[2]
    if i > n_aud or old ~= id then
      redis.call('ZREM', tl, old)
      redis.call('HDEL', items, old)
      redis.call('HDEL', recs, field)
    end
  end
  if i <= n_aud then
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
          if f ~= field then forget_holder(f, user) end
        end
      end
    end
  end
end
local holders = {version}
for i = 1, n_aud do
  if redis.call('HEXISTS', KEYS[5 + 3 * i], field) == 1 then holders[#holders + 1] = users[i] end
end
if #holders == 1 then redis.call('HDEL', KEYS[1], field)
else redis.call('HSET', KEYS[1], field, table.concat(holders, ' ')) end
return 'published'
"""

# KEYS: holders, rebuilds, then (timeline, items, recs) per holder.
# ARGV: record field, rebuild token, holders...
REMOVE = SPLIT + """
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
  local base = (i - 3) * 3
  local held = redis.call('HGET', KEYS[base + 5], field)
  if held then
    local id = split(held)[2]
    redis.call('ZREM', KEYS[base + 3], id)
    redis.call('HDEL', KEYS[base + 4], id)
    redis.call('HDEL', KEYS[base + 5], field)
    removed = removed + 1
  end
end
redis.call('HDEL', KEYS[1], field)
return removed
"""

# KEYS: timeline, items. ARGV: how many, cursor score ('' for the top), cursor item id.
# Order: score descending, then item id descending (Redis' own order, reversed).
PAGE = """
local want, score, after = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local out = {}
local function emit(id, at)
  local data = redis.call('HGET', KEYS[2], id)
  if data then out[#out + 1] = id; out[#out + 1] = at; out[#out + 1] = data end
end
if score == '' then
  local rows = redis.call('ZREVRANGE', KEYS[1], 0, want - 1, 'WITHSCORES')
  for i = 1, #rows, 2 do emit(rows[i], rows[i + 1]) end
  return out
end
local same = redis.call('ZRANGEBYSCORE', KEYS[1], score, score)
for i = #same, 1, -1 do
  if #out / 3 >= want then return out end
  if same[i] < after then emit(same[i], score) end
end
local need = want - #out / 3
if need > 0 then
  local rows = redis.call('ZREVRANGEBYSCORE', KEYS[1], '(' .. score, '-inf',
                          'WITHSCORES', 'LIMIT', 0, need)
  for i = 1, #rows, 2 do emit(rows[i], rows[i + 1]) end
end
return out
"""
