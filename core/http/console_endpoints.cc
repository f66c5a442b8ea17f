// The web console's pages and files (see console_assets.h; the pages call the API itself).
#include "http/api_endpoints.h"

namespace pathhub::http {

void addConsoleEndpoints(Router& router, const ConsoleAssets& assets) {
  auto serve = [&assets](const std::string& name) {
    const ConsoleAsset* asset = assets.find(name);
    if (!asset) throw ApiError::notFound("no console file '" + name + "'");
    Reply reply;
    reply.contentType = asset->contentType;
    reply.body = asset->body;
    return reply;
  };
  router.add({"GET", "/", std::nullopt, [serve](const ApiRequest& r) {
                r.allowOnly({});
                return serve("index.html");
              }});
  router.add({"GET", "/console/{file}", std::nullopt,
              [serve](const ApiRequest& r) { return serve(r.pathParams.at("file")); }});
}

}  // namespace pathhub::http
