//! The answers every operation can give because of the layers and extractors
//! it passes through, added to the generated document in one place so that
//! no handler's `responses(...)` can forget one:
//! - any operation: 500 (a failure of ours; the details are logged, never sent);
//! - a state-changing one: 403 for a cross-site request (`origin.rs`);
//! - a JSON body (`ApiJson`) or query (`ApiQuery`): 422 when malformed or
//!   holding control characters;
//! - a path id (`IdPath`): 404 when it is not a UUID, 422 for control characters.
//!
//! An operation's own description of a status wins when it has one.

use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::{OpenApi, Ref, RefOr};

pub fn add_shared_responses(document: &mut OpenApi) {
    for item in document.paths.paths.values_mut() {
        let reads = [&mut item.get, &mut item.head].into_iter().flatten();
        for operation in reads {
            add_for(operation, false);
        }
        let writes = [
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten();
        for operation in writes {
            add_for(operation, true);
        }
    }
}

fn add_for(operation: &mut Operation, changes_state: bool) {
    let has = |at: ParameterIn, operation: &Operation| {
        operation
            .parameters
            .iter()
            .flatten()
            .any(|p| p.parameter_in == at)
    };
    let path_id = has(ParameterIn::Path, operation);
    let query = has(ParameterIn::Query, operation);
    let body = operation.request_body.is_some();
    add(
        operation,
        "500",
        "Internal error (logged; the body says only that)",
    );
    if changes_state {
        add(
            operation,
            "403",
            "A cross-site request (another site's Origin)",
        );
    }
    if path_id {
        add(operation, "404", "No such id (not a UUID, or unknown)");
    }
    if body || query || path_id {
        add(
            operation,
            "422",
            "Malformed input, or a control character in it",
        );
    }
}

fn add(operation: &mut Operation, status: &str, description: &str) {
    operation
        .responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("ErrorBody")))
                            .build(),
                    )
                    .build(),
            )
        });
}
