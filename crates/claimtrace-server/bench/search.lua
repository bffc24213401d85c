-- wrk: two-word full-text queries over the synthetic store (synth_store example): a frequent
-- word (rank 20-500) and a rarer one (rank 500-20,000) of its Zipfian pseudo-word vocabulary.
math.randomseed(3)
local syl = {"ka", "lo", "mi", "ne", "ru", "ta", "vi", "so", "de", "pa"}
local function word(r)
  local s = ""
  for d in tostring(r):gmatch("%d") do s = s .. syl[tonumber(d) + 1] end
  return s
end
request = function()
  return wrk.format("GET", string.format("/api/articles?q=%s%%20%s&limit=20",
    word(math.random(20, 500)), word(math.random(500, 20000))))
end
