// The JSON the app keeps of a contact profile and of moved rows inside merge
// records, so a merge can be undone exactly. Internal to the app: the HTTP API
// has its own, public shapes.
//
// Thread safety: free functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "rapport/app/card_details.h"
#include "rapport/app/relationships.h"
#include "rapport/base/status.h"

namespace rapport::app {

std::string ProfileToJson(const ContactProfile& profile);
Result<ContactProfile> ProfileFromJson(std::string_view json);  // kDataLoss when malformed

std::string MovedRowsToJson(const MovedRows& rows);
Result<MovedRows> MovedRowsFromJson(std::string_view json);

}  // namespace rapport::app
