//! Reading plain JS objects in the wasm tests.

use js_sys::Reflect;
use wasm_bindgen::JsValue;

/// The value at a dotted path (`findings.0.code`); numeric parts index arrays.
pub fn get(value: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(value.clone(), |v, key| {
        let key = key
            .parse::<u32>()
            .map_or_else(|_| JsValue::from_str(key), JsValue::from);
        Reflect::get(&v, &key).unwrap()
    })
}

/// The string at a dotted path.
pub fn text(value: &JsValue, path: &str) -> String {
    get(value, path)
        .as_string()
        .unwrap_or_else(|| panic!("{path} is not a string"))
}
