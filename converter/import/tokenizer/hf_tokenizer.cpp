#include "converter/import/tokenizer/hf_tokenizer.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace minirt::converter {

namespace fs = std::filesystem;
using nlohmann::json;
using tokenizer::TemplatePiece;
using tokenizer::TokenizerConfig;

namespace {

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot open: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

json read_json(const fs::path& path) {
  try {
    return json::parse(read_text(path));
  } catch (const json::exception& e) {
    throw std::runtime_error(path.string() + ": not valid JSON: " + e.what());
  }
}

[[noreturn]] void refuse(const fs::path& path, const std::string& what) {
  throw std::runtime_error(path.string() + ": " + what);
}

// The id of token, refusing a token the vocabulary lacks.
int32_t id_of(const std::map<std::string, int32_t>& ids, const std::string& token,
              const fs::path& path, const std::string& role) {
  auto it = ids.find(token);
  if (it == ids.end()) refuse(path, role + " '" + token + "' is not in the vocabulary");
  return it->second;
}

// A token setting of tokenizer_config.json: a string or {"content": ...}.
std::optional<std::string> token_setting(const json& cfg, const char* key) {
  if (!cfg.contains(key) || cfg[key].is_null()) return std::nullopt;
  if (cfg[key].is_string()) return cfg[key].get<std::string>();
  if (cfg[key].is_object() && cfg[key].contains("content"))
    return cfg[key]["content"].get<std::string>();
  return std::nullopt;
}

// model_max_length, when the config gives a real one (transformers writes
// 1e30 for "no limit").
std::optional<int64_t> model_max_length(const json& cfg) {
  if (!cfg.contains("model_max_length") || !cfg["model_max_length"].is_number()) return {};
  const double value = cfg["model_max_length"].get<double>();
  if (value < 1 || value > 1e9) return {};
  return static_cast<int64_t>(value);
}

TokenizerConfig from_vocab_txt(const fs::path& dir, const json& cfg, const fs::path& cfg_path) {
  TokenizerConfig config;
  const fs::path path = dir / "vocab.txt";
  std::istringstream lines(read_text(path));
  std::map<std::string, int32_t> ids;
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!ids.emplace(line, int32_t(config.vocab.size())).second) {
      refuse(path, "token '" + line + "' appears twice (lines " + std::to_string(ids[line] + 1) +
                       " and " + std::to_string(config.vocab.size() + 1) + ")");
    }
    config.vocab.push_back(line);
  }
  auto flag = [&](const char* key, bool fallback) {
    return cfg.contains(key) && cfg[key].is_boolean() ? cfg[key].get<bool>() : fallback;
  };
  config.normalizer.lowercase = flag("do_lower_case", true);
  config.normalizer.handle_chinese_chars = flag("tokenize_chinese_chars", true);
  config.normalizer.strip_accents = flag("strip_accents", config.normalizer.lowercase);
  config.normalizer.clean_text = true;
  auto token = [&](const char* key, const char* fallback) {
    return token_setting(cfg, key).value_or(fallback);
  };
  config.unk_id = id_of(ids, token("unk_token", "[UNK]"), cfg_path, "unk_token");
  config.pad_id = id_of(ids, token("pad_token", "[PAD]"), cfg_path, "pad_token");
  const int32_t cls = id_of(ids, token("cls_token", "[CLS]"), cfg_path, "cls_token");
  const int32_t sep = id_of(ids, token("sep_token", "[SEP]"), cfg_path, "sep_token");
  config.single = tokenizer::bert_single_template(cls, sep);
  config.pair = tokenizer::bert_pair_template(cls, sep);
  // The fast tokenizer adds the special tokens as added tokens, in this order.
  for (const auto& [key, fallback] : {std::pair{"pad_token", "[PAD]"},
                                      {"unk_token", "[UNK]"},
                                      {"cls_token", "[CLS]"},
                                      {"sep_token", "[SEP]"},
                                      {"mask_token", "[MASK]"}}) {
    auto it = ids.find(token(key, fallback));
    if (it != ids.end()) config.special_ids.push_back(it->second);
  }
  return config;
}

std::vector<TemplatePiece> read_template(const json& pieces, const json& special_tokens,
                                         const fs::path& path, const char* name) {
  std::vector<TemplatePiece> out;
  for (const json& piece : pieces) {
    if (piece.contains("Sequence")) {
      const std::string seq = piece["Sequence"]["id"].get<std::string>();
      out.push_back({-1, static_cast<uint8_t>(seq == "B" ? 1 : 0),
                     piece["Sequence"]["type_id"].get<uint8_t>()});
    } else if (piece.contains("SpecialToken")) {
      const std::string id = piece["SpecialToken"]["id"].get<std::string>();
      if (!special_tokens.contains(id) || special_tokens[id]["ids"].size() != 1) {
        refuse(path, std::string("post_processor.") + name + ": special token '" + id +
                         "' needs exactly one id in special_tokens");
      }
      const int32_t token_id = special_tokens[id]["ids"][0].get<int32_t>();
      out.push_back({token_id, 0, piece["SpecialToken"]["type_id"].get<uint8_t>()});
    } else {
      refuse(path,
             std::string("post_processor.") + name + ": unknown template piece " + piece.dump());
    }
  }
  return out;
}

TokenizerConfig from_tokenizer_json(const fs::path& path, const json& cfg,
                                    const fs::path& cfg_path) {
  const json t = read_json(path);
  TokenizerConfig config;
  const json& model = t.at("model");
  if (model.value("type", "") != "WordPiece") {
    refuse(path, "model.type is '" + model.value("type", "") + "'; minirt runs WordPiece only");
  }
  std::map<std::string, int32_t> ids;
  for (const auto& [token, id] : model.at("vocab").items()) ids.emplace(token, id.get<int32_t>());
  config.vocab.resize(ids.size());
  std::vector<bool> seen(ids.size());
  for (const auto& [token, id] : ids) {
    if (id < 0 || static_cast<size_t>(id) >= ids.size() || seen[id]) {
      refuse(path, "model.vocab: ids must be 0.." + std::to_string(ids.size() - 1) +
                       " once each; token '" + token + "' has " + std::to_string(id));
    }
    seen[id] = true;
    config.vocab[id] = token;
  }
  config.unk_id = id_of(ids, model.value("unk_token", "[UNK]"), path, "model.unk_token");
  config.continuing_subword_prefix = model.value("continuing_subword_prefix", "##");
  config.max_input_chars_per_word = model.value("max_input_chars_per_word", 100);

  const json& norm = t.value("normalizer", json());
  if (!norm.is_object() || norm.value("type", "") != "BertNormalizer") {
    refuse(path, "normalizer is " + norm.dump() + "; minirt runs BertNormalizer only");
  }
  config.normalizer.clean_text = norm.value("clean_text", true);
  config.normalizer.handle_chinese_chars = norm.value("handle_chinese_chars", true);
  config.normalizer.lowercase = norm.value("lowercase", true);
  // null: strip accents when lowercasing (BertNormalizer's rule).
  config.normalizer.strip_accents =
      norm.contains("strip_accents") && !norm["strip_accents"].is_null()
          ? norm["strip_accents"].get<bool>()
          : config.normalizer.lowercase;
  const json& pre = t.value("pre_tokenizer", json());
  if (!pre.is_object() || pre.value("type", "") != "BertPreTokenizer") {
    refuse(path, "pre_tokenizer is " + pre.dump() + "; minirt runs BertPreTokenizer only");
  }

  const json& post = t.value("post_processor", json());
  const std::string post_type = post.is_object() ? post.value("type", "") : "";
  if (post_type == "TemplateProcessing") {
    config.single = read_template(post.at("single"), post.at("special_tokens"), path, "single");
    config.pair = read_template(post.at("pair"), post.at("special_tokens"), path, "pair");
  } else if (post_type == "BertProcessing") {
    const int32_t sep = post.at("sep")[1].get<int32_t>(), cls = post.at("cls")[1].get<int32_t>();
    config.single = tokenizer::bert_single_template(cls, sep);
    config.pair = tokenizer::bert_pair_template(cls, sep);
  } else {
    refuse(path, "post_processor is " + post.dump() +
                     "; minirt runs TemplateProcessing or BertProcessing");
  }

  for (const json& added : t.value("added_tokens", json::array())) {
    const std::string content = added.at("content").get<std::string>();
    const int32_t id = added.at("id").get<int32_t>();
    for (const char* flag : {"single_word", "lstrip", "rstrip", "normalized"}) {
      if (added.value(flag, false)) {
        refuse(path, "added token '" + content + "' has " + flag +
                         " set; minirt matches added tokens as they are, in the raw text");
      }
    }
    if (static_cast<size_t>(id) >= config.vocab.size() || config.vocab[id] != content) {
      refuse(path, "added token '" + content + "' (id " + std::to_string(id) +
                       ") is not that vocabulary entry");
    }
    config.special_ids.push_back(id);
  }

  const json& padding = t.value("padding", json());
  if (padding.is_object() && padding.contains("pad_id")) {
    config.pad_id = padding["pad_id"].get<int32_t>();
  } else {
    config.pad_id =
        id_of(ids, token_setting(cfg, "pad_token").value_or("[PAD]"), cfg_path, "pad_token");
  }
  const json& truncation = t.value("truncation", json());
  if (truncation.is_object()) {
    if (truncation.value("strategy", "LongestFirst") != "LongestFirst" ||
        truncation.value("direction", "Right") != "Right" || truncation.value("stride", 0) != 0) {
      refuse(path, "truncation " + truncation.dump() +
                       ": minirt truncates longest first, on the right, without stride");
    }
    config.max_length = truncation.at("max_length").get<int32_t>();
  }
  return config;
}

}  // namespace

std::optional<TokenizerConfig> read_hf_tokenizer(const fs::path& dir, int64_t max_seq) {
  const fs::path cfg_path = dir / "tokenizer_config.json";
  const json cfg = fs::exists(cfg_path) ? read_json(cfg_path) : json::object();
  std::optional<TokenizerConfig> config;
  try {
    if (fs::exists(dir / "tokenizer.json")) {
      config = from_tokenizer_json(dir / "tokenizer.json", cfg, cfg_path);
    } else if (fs::exists(dir / "vocab.txt")) {
      config = from_vocab_txt(dir, cfg, cfg_path);
    } else {
      return std::nullopt;
    }
  } catch (const json::exception& e) {
    throw std::runtime_error(dir.string() + ": tokenizer files: " + e.what());
  }
  if (config->max_length == 0) {
    config->max_length =
        static_cast<int32_t>(std::min(model_max_length(cfg).value_or(max_seq), max_seq));
  }
  try {
    tokenizer::check_tokenizer_config(*config, max_seq);
  } catch (const std::exception& e) {
    throw std::runtime_error(dir.string() + ": " + e.what());
  }
  return config;
}

std::string describe_tokenizer(const TokenizerConfig& c) {
  std::string flags;
  auto add = [&](bool on, const char* name) {
    if (on) flags += (flags.empty() ? "" : ", ") + std::string(name);
  };
  add(c.normalizer.clean_text, "clean text");
  add(c.normalizer.handle_chinese_chars, "CJK split");
  add(c.normalizer.lowercase, "lowercase");
  add(c.normalizer.strip_accents, "strip accents");
  return "WordPiece, " + std::to_string(c.vocab.size()) + " tokens, " +
         (flags.empty() ? std::string("no normalization") : flags) + ", max length " +
         std::to_string(c.max_length);
}

}  // namespace minirt::converter
