// The tokenizer in the model file: written by the converter, read and
// checked by the loader (against the tokenizer rules and the model it
// feeds), and read from Hugging Face folders, each refusal named.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "converter/emit/model_writer.h"
#include "converter/import/hf/bert_builder.h"
#include "converter/import/hf/bert_config.h"
#include "converter/import/hf/random_weights.h"
#include "converter/import/tokenizer/hf_tokenizer.h"
#include "minirt/tokenizer.h"

using namespace minirt;
namespace fs = std::filesystem;

namespace {

// A one-layer BERT with vocab_size ids and type_vocab_size token types.
ir::Graph tiny_graph(int vocab_size, int type_vocab_size) {
  const std::string config_json =
      R"({"architectures": ["BertModel"], "model_type": "bert", "vocab_size": )" +
      std::to_string(vocab_size) +
      R"(, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2,
          "intermediate_size": 16, "max_position_embeddings": 32, "type_vocab_size": )" +
      std::to_string(type_vocab_size) + "}";
  const auto config = converter::hf::parse_bert_config(config_json, "test");
  return converter::hf::build_bert_graph(config, converter::hf::random_bert_tensors(config, 1));
}

tokenizer::TokenizerConfig config() {
  tokenizer::TokenizerConfig c;
  c.vocab = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "hello", "world", "##s"};
  c.unk_id = 1;
  c.pad_id = 0;
  c.special_ids = {0, 1, 2, 3};
  c.single = tokenizer::bert_single_template(2, 3);
  c.pair = tokenizer::bert_pair_template(2, 3);
  c.max_length = 16;
  return c;
}

std::shared_ptr<const Model> load(const tokenizer::TokenizerConfig* c, int vocab_size = 10,
                                  int type_vocab_size = 2) {
  const converter::EmitOptions options{"test", 2, 16};
  const auto buffer =
      converter::build_model_buffer(tiny_graph(vocab_size, type_vocab_size), options, c);
  return Model::load_from_memory({buffer.data(), buffer.size()});
}

std::string load_error(const tokenizer::TokenizerConfig& c, int vocab_size = 10,
                       int type_vocab_size = 2) {
  try {
    load(&c, vocab_size, type_vocab_size);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

void write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace

TEST_CASE("a model without a tokenizer loads and says so") {
  CHECK(load(nullptr)->tokenizer() == nullptr);
  Session session(load(nullptr));
  CHECK_THROWS_WITH(session.run_text("hello"), doctest::Contains("this model has no tokenizer"));
}

TEST_CASE("the sealed tokenizer round-trips through the file and runs a session") {
  const auto c = config();
  const auto model = load(&c);
  REQUIRE(model->tokenizer() != nullptr);
  CHECK(model->tokenizer()->encode("Hellos, world").ids == std::vector<int64_t>{2, 4, 6, 1, 5, 3});
  const TokenizerInfo info = model->tokenizer()->info();
  CHECK(info.vocab_size == 7);
  CHECK(info.max_length == 16);
  CHECK(info.special_tokens == std::vector<std::string>{"[PAD]", "[UNK]", "[CLS]", "[SEP]"});
  Session session(model);
  auto outputs = session.run_texts(std::vector<std::string>{"hello", "hello world worlds"});
  CHECK(outputs[0].shape[0] == 2);
  CHECK(outputs[0].shape[1] == 6);
  outputs = session.run_text("hello", "world");
  CHECK(outputs[0].shape[1] == 5);
}

TEST_CASE("the loader refuses a tokenizer that does not fit its model or its rules") {
  auto c = config();
  CHECK(
      load_error(c, 5).find("vocabulary has 7 tokens but the model's input_ids take ids below 5") !=
      std::string::npos);
  CHECK(load_error(c, 10, 1).find("gives type id 1 but the model has 1 token type") !=
        std::string::npos);
  c.max_length = 17;  // the model runs 16
  CHECK(load_error(c).find("max length 17 exceeds the model's max seq 16") != std::string::npos);
  c = config();
  c.unk_id = 7;
  CHECK(load_error(c).find("unk token's id 7 is outside the vocabulary") != std::string::npos);
  c = config();
  c.pair.pop_back();
  c.pair.pop_back();  // no sequence B
  CHECK(load_error(c).find("pair template holds sequence B 0 times") != std::string::npos);
}

TEST_CASE("Hugging Face folders: tokenizer.json, vocab.txt, and refusals") {
  const fs::path dir = fs::temp_directory_path() / "minirt_tokenizer_file_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  CHECK_FALSE(converter::read_hf_tokenizer(dir, 512).has_value());

  write(dir / "vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nHello\n");
  write(dir / "tokenizer_config.json", R"({"do_lower_case": false, "model_max_length": 1e30})");
  auto c = converter::read_hf_tokenizer(dir, 64);
  REQUIRE(c.has_value());
  CHECK_FALSE(c->normalizer.lowercase);
  CHECK_FALSE(c->normalizer.strip_accents);  // follows lowercase
  CHECK(c->max_length == 64);                // no real model_max_length: the model's max seq
  CHECK(c->special_ids == std::vector<int32_t>{0, 1, 2, 3, 4});
  CHECK(c->pair == tokenizer::bert_pair_template(2, 3));

  write(dir / "vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\nx\nx\n");
  CHECK_THROWS_WITH(converter::read_hf_tokenizer(dir, 64),
                    doctest::Contains("token 'x' appears twice (lines 5 and 6)"));

  auto refused = [&](const std::string& json, const char* message) {
    write(dir / "tokenizer.json", json);
    CHECK_THROWS_WITH(converter::read_hf_tokenizer(dir, 64), doctest::Contains(message));
  };
  const std::string model =
      R"("model": {"type": "WordPiece", "vocab": {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3}})";
  const std::string rest = R"("normalizer": {"type": "BertNormalizer"},
      "pre_tokenizer": {"type": "BertPreTokenizer"},
      "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]})";
  refused(R"({"model": {"type": "BPE"}})", "model.type is 'BPE'; minirt runs WordPiece only");
  refused("{" + model + R"(, "normalizer": {"type": "NFKC"}})", "minirt runs BertNormalizer only");
  refused("{" + model + "," + rest +
              R"(, "added_tokens": [{"id": 2, "content": "[CLS]", "lstrip": true}]})",
          "added token '[CLS]' has lstrip set");
  refused(
      "{" + model + "," + rest + R"(, "truncation": {"max_length": 8, "strategy": "OnlyFirst"}})",
      "minirt truncates longest first");
  refused("{" + model + "," + rest + R"(, "truncation": {"max_length": 100}})",
          "max length 100 exceeds the model's max seq 64");
  write(dir / "tokenizer.json", "{" + model + "," + rest + "}");
  c = converter::read_hf_tokenizer(dir, 64);
  REQUIRE(c.has_value());
  CHECK(c->single == tokenizer::bert_single_template(2, 3));
  CHECK(c->normalizer.strip_accents);  // absent: follows lowercase (true)
  fs::remove_all(dir);
}
