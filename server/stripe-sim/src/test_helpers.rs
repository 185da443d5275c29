//! `/v1/test_helpers/faults`.

use serde_json::{json, Value};

use crate::api::Ctx;
use crate::error::ApiError;
use crate::state::State;

pub fn add_fault(ctx: &Ctx<'_>, st: &mut State) -> Result<Value, ApiError> {
    let fault = crate::faults::parse(ctx.params)?;
    if fault.remaining > 0 {
        st.faults.push(fault);
    }
    Ok(pending(st))
}

pub fn clear_faults(st: &mut State) -> Value {
    st.faults.clear();
    pending(st)
}

fn pending(st: &State) -> Value {
    json!({"pending": st.faults.iter().map(crate::faults::Fault::to_json).collect::<Vec<_>>()})
}
