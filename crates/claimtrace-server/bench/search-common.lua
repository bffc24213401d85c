-- wrk: the worst case, one word of the 40-word topic list, found in ~15% of the articles
-- (ranking ~15,000 hits per query).
math.randomseed(4)
local words = {"minister", "harbour", "council", "report", "officials", "river", "bridge", "election"}
request = function()
  return wrk.format("GET", string.format("/api/articles?q=%s&limit=20", words[math.random(1, #words)]))
end
