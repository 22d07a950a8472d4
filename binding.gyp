# What `npm install` (node-gyp-build -> node-gyp) and prebuildify build. Sources come from
# native/sources.json, the list CMakeLists.txt reads too. Each ISA's kernels are a static library
# compiled with that ISA's flags only; everything else targets the baseline CPU, and the running
# CPU picks the kernels (native/core/isa.cc). Nothing targets the build machine's own CPU: prebuilt
# binaries must run on every CPU of their platform.
# -fno-math-errno -fno-trapping-math let the elementwise kernels vectorize (see CMakeLists.txt).
# The ISA flags come from native/sources.json ("flags"). MSVC: /EHsc (ExceptionHandling 1) as
# node-addon-api's exceptions need; C4068 is `#pragma GCC unroll`, which MSVC ignores.
{
  "variables": {
    "src": "require('./native/sources.json')"
  },
  "target_defaults": {
    "include_dirs": ["native"],
    "cflags!": ["-fno-exceptions"],
    "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
    "cflags": ["-fPIC", "-O3", "-fno-math-errno", "-fno-trapping-math"],
    "cflags_cc": ["-std=c++17", "-O3", "-fexceptions"],
    "xcode_settings": {
      "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
      "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
      "MACOSX_DEPLOYMENT_TARGET": "11.0",
      "OTHER_CFLAGS": ["-O3"]
    },
    "msvs_settings": {
      "VCCLCompilerTool": { "ExceptionHandling": 1, "AdditionalOptions": ["/std:c++17", "/O2", "/wd4068"] }
    }
  },
  "targets": [
    {
      "target_name": "myelin",
      "sources": [
        "<!@(node -p \"<(src).core.join(' ')\")",
        "<!@(node -p \"<(src).binding.join(' ')\")"
      ],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except_all"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "conditions": [
        ["target_arch=='x64'", { "dependencies": ["myelin_avx2", "myelin_avx512"] }],
        ["target_arch=='arm64'", { "sources": ["<!@(node -p \"<(src).neon.join(' ')\")"] }]
      ]
    }
  ],
  "conditions": [
    ["target_arch=='x64'", {
      "targets": [
        {
          "target_name": "myelin_avx2",
          "type": "static_library",
          "sources": ["<!@(node -p \"<(src).avx2.join(' ')\")"],
          "cflags": ["<!@(node -p \"<(src).flags.avx2.gcc.join(' ')\")"],
          "xcode_settings": { "OTHER_CFLAGS": ["-O3", "<!@(node -p \"<(src).flags.avx2.gcc.join(' ')\")"] },
          "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["<!@(node -p \"<(src).flags.avx2.msvc.join(' ')\")"] } }
        },
        {
          "target_name": "myelin_avx512",
          "type": "static_library",
          "sources": ["<!@(node -p \"<(src).avx512.join(' ')\")"],
          "cflags": ["<!@(node -p \"<(src).flags.avx512.gcc.join(' ')\")"],
          "xcode_settings": { "OTHER_CFLAGS": ["-O3", "<!@(node -p \"<(src).flags.avx512.gcc.join(' ')\")"] },
          "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["<!@(node -p \"<(src).flags.avx512.msvc.join(' ')\")"] } }
        }
      ]
    }]
  ]
}
