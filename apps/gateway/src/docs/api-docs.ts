import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/**
 * OpenAPI for every route the gateway serves, built from the controllers themselves: the UI at
 * GET /docs, the document at GET /docs/openapi.json.
 */
export function buildApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Projectionist gateway')
    .setDescription(
      'Domain commands and queries, raw event streams and the admin API. While a blocking rebuild runs, domain writes answer 503 with Retry-After. ' +
        'Reads accept `?minPosition=N` (or `X-Min-Position`) and wait, up to 5 s, until their projection has applied position N.',
    )
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' })
    .build();
  return SwaggerModule.createDocument(app, config);
}

export function serveApiDocs(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildApiDocument(app), { jsonDocumentUrl: 'docs/openapi.json', yamlDocumentUrl: 'docs/openapi.yaml' });
}
