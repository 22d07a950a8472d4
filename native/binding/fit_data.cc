// `FitData`: model.fit's training (and validation) set, copied once into memory JS cannot take away and
// kept for every native fit call of that model.fit, and the data of one evaluate or predictAsync call
// (lib/model/fit-data.ts drives it). The copy is made in steps on the main thread with the event loop running
// between them, after the fresh pages of the copies were touched on a job thread: a 188 MB set does not block
// JS for the whole copy and its page faults. The steps also check x for NaN/Infinity and one-hot class indexes,
// so the caller's memory is read once.
#include "binding/fit_data.h"

#include <atomic>
#include <utility>

#include "binding/modules.h"

namespace myelin::binding {

HeldData::HeldData(Napi::Env env, ParsedData&& d, const engine::Network& net, const std::string& name, bool defer,
                   bool check_finite)
    : data(d.data), labels(std::move(d.labels)) {
  const size_t rows = static_cast<size_t>(data.rows);
  if (defer) arrays.defer_copies();
  // parse_data pins x first; its length is rows x inputs.
  data.x = arrays.hold<float>(env, d.pins.front().As<Napi::Float32Array>(), name + ".x", check_finite);
  if (!d.classes.IsEmpty())
    data.y = arrays.hold_one_hot(env, d.classes.As<Napi::Int32Array>(), net.output_dim(), name + ".y");
  else
    data.y = arrays.hold<float>(env, data.y, rows * net.output_dim(), d.pins, name + ".y");
  data.sw = arrays.hold<float>(env, data.sw, rows, d.pins, name + ".sampleWeight");
  if (data.yi) data.yi = labels.data();  // already a copy
}

namespace {

using engine::Network;

constexpr napi_type_tag kFitDataTag = {0x6d79656c696e2d66ULL, 0x69742d6461746131ULL};

bool sparse_loss(const Network& net) {
  return net.compiled() && net.compile_spec().loss == static_cast<int>(LossId::SparseCce);
}

// prepare(): touches the fresh pages of the copies off the main thread.
struct TouchJob {
  mutable std::shared_ptr<FitData> data;  // dropped as the Promise settles: release() then frees the copies

  void run(const std::atomic<bool>*) {
    data->train.arrays.touch_fresh();
    data->val.arrays.touch_fresh();
  }
  Napi::Value result(Napi::Env env) const {
    data->touching = false;
    data.reset();
    return env.Undefined();
  }
};

class FitDataWrap : public Napi::ObjectWrap<FitDataWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(
        env, "FitData",
        {InstanceMethod<&FitDataWrap::Prepare>("prepare"), InstanceMethod<&FitDataWrap::Copy>("copy"),
         InstanceMethod<&FitDataWrap::Release>("release"), StaticMethod<&FitDataWrap::TrimPool>("trimPool")});
  }

  // new FitData(network, { train, val?, checkFinite?, inputsOnly? }): the arrays are checked against the network
  // (compiled, unless inputsOnly: x alone, for predictAsync) and the copies allocated, not filled. checkFinite:
  // x's NaN/Infinity are found as it is copied. y may be class indexes (Int32Array) for any loss: copied one-hot.
  explicit FitDataWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<FitDataWrap>(info) {
    Napi::Env env = info.Env();
    if (!info.IsConstructCall()) throw Napi::TypeError::New(env, "FitData must be called with new");
    std::shared_ptr<Network> net = network_of(env, info[0], "network");
    Napi::Object a = expect_object(env, info[1], "data");
    auto d = std::make_shared<FitData>();
    d->inputs_only = bool_field(env, a, "inputsOnly", "data", true, false);
    if (!d->inputs_only && !net->compiled())
      throw Napi::Error::New(env, "FitData before compile(): call compile() first");
    const bool check = bool_field(env, a, "checkFinite", "data", true, false);
    const Targets targets = d->inputs_only ? Targets::None : Targets::RowsOrClasses;
    d->sparse = sparse_loss(*net);
    ParsedData train, val;
    parse_data(env, a.Get("train"), "data.train", *net, d->sparse, &train, targets);
    Napi::Value vv = a.Get("val");
    d->has_val = !absent(vv);
    if (d->has_val) parse_data(env, vv, "data.val", *net, d->sparse, &val, targets);
    d->train = HeldData(env, std::move(train), *net, "data.train", true, check);
    if (d->has_val) d->val = HeldData(env, std::move(val), *net, "data.val", true, check);
    net_ = net;
    data_ = std::move(d);
    info.This().As<Napi::Object>().TypeTag(&kFitDataTag);
  }

  const std::shared_ptr<FitData>& data() const { return data_; }
  const std::weak_ptr<Network>& network() const { return net_; }

 private:
  FitData& live(Napi::Env env, const char* what) {
    if (!data_) throw Napi::Error::New(env, std::string("FitData.") + what + ": the data was released");
    return *data_;
  }

  // A Promise settled once the copies' fresh pages are touched; undefined when none is fresh (small calls, a
  // pool block reused), so the caller need not wait for a turn of the event loop.
  Napi::Value Prepare(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    FitData& d = live(env, "prepare");
    if (d.touching) throw Napi::Error::New(env, "FitData.prepare: already running");
    if (!d.train.arrays.has_fresh() && !d.val.arrays.has_fresh()) return env.Undefined();
    d.touching = true;
    try {
      return PromiseWorker<TouchJob>::start(env, "myelin:fitdata", TouchJob{data_});
    } catch (...) {
      d.touching = false;
      throw;
    }
  }

  // Copies up to maxBytes more from the caller's arrays; true once all is copied. A RangeError naming the
  // array when one was detached or shrunk since the FitData was made.
  Napi::Value Copy(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    FitData& d = live(env, "copy");
    if (d.touching) throw Napi::Error::New(env, "FitData.copy: prepare() is still running; await it first");
    size_t budget = static_cast<size_t>(expect_int(info, 0, "maxBytes", 1));
    d.copied = d.train.arrays.copy_some(env, &budget) && d.val.arrays.copy_some(env, &budget);
    return Napi::Boolean::New(env, d.copied);
  }

  // Drops this object's hold: the copies go back to the pool once no fit reads them.
  Napi::Value Release(const Napi::CallbackInfo& info) {
    data_.reset();
    return info.Env().Undefined();
  }

  // FitData.trimPool(idleMs): frees the copies' memory kept for reuse that has been idle that long (CopyPool).
  static Napi::Value TrimPool(const Napi::CallbackInfo& info) {
    const double idle = expect_number(info, 0, "idleMs");
    return Napi::Number::New(info.Env(), static_cast<double>(CopyPool::trim(idle)));
  }

  std::shared_ptr<FitData> data_;
  std::weak_ptr<Network> net_;
};

Napi::Value CopiedBytes(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(Held::copied_bytes()));
}
Napi::Value HeldBytes(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(Held::live_bytes().load()));
}
Napi::Value PooledBytes(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(CopyPool::idle_bytes()));
}

}  // namespace

std::shared_ptr<const FitData> fit_data_of(Napi::Env env, Napi::Value v, const Network& net, const std::string& name,
                                           bool inputs_only) {
  if (!v.IsObject() || !v.As<Napi::Object>().CheckTypeTag(&kFitDataTag)) type_error(env, name, "a FitData", v);
  FitDataWrap* w = FitDataWrap::Unwrap(v.As<Napi::Object>());
  const std::shared_ptr<FitData>& d = w->data();
  if (!d) throw Napi::Error::New(env, name + " was released");
  if (!d->copied)
    throw Napi::Error::New(env,
                           name + " is not copied yet: await its prepare(), then call copy() until it returns true");
  if (w->network().lock().get() != &net || (!inputs_only && d->sparse != sparse_loss(net)))
    throw Napi::Error::New(env, name + " was made for another network or loss");
  if (d->inputs_only && !inputs_only) throw Napi::Error::New(env, name + " holds no targets (it was made inputsOnly)");
  return d;
}

void init_fit_data(Napi::Env env, Napi::Object exports, Napi::Object testing) {
  exports.Set("FitData", FitDataWrap::Define(env));
  testing.Set("copiedBytes", Napi::Function::New<CopiedBytes>(env, "copiedBytes"));
  testing.Set("heldBytes", Napi::Function::New<HeldBytes>(env, "heldBytes"));
  testing.Set("pooledBytes", Napi::Function::New<PooledBytes>(env, "pooledBytes"));
}

}  // namespace myelin::binding
