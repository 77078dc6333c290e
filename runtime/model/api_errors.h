// Only minirt::Error leaves the public API (minirt.h). Its entry points run
// their bodies through rethrow_as_error: an Error passes as it is, any other
// std::exception (std::system_error from a thread, std::invalid_argument
// from MINIRT_MAX_ISA, std::runtime_error from a kernel's allocation or code
// generation) becomes an Error with its message intact, and std::bad_alloc
// becomes an Error that says memory ran out. On the happy path this costs
// nothing: no allocation, no work.
#pragma once

#include <exception>
#include <new>
#include <string>

#include "minirt/minirt.h"

namespace minirt {

template <typename Body>
decltype(auto) rethrow_as_error(Body&& body) {
  try {
    return body();
  } catch (const Error&) {
    throw;
  } catch (const std::bad_alloc& e) {
    throw Error(std::string("out of memory (") + e.what() + ")");
  } catch (const std::exception& e) {
    throw Error(e.what());
  }
}

}  // namespace minirt
