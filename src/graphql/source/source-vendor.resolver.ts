import { Authorized, Query, Resolver } from 'type-graphql';
import { vendorInputSchemas } from '../../sources/vendor-input-schemas.js';
import { SourceVendor } from './source-vendor.type.js';

/** The vendors sources can be created for, and their fields (for forms: the console's source editor). */
@Resolver()
export class SourceVendorResolver {
  @Authorized('OPERATOR', 'ADMIN')
  @Query(() => [SourceVendor], { description: 'The vendors a source can read, with the JSON Schemas of their settings and secret.' })
  sourceVendors(): SourceVendor[] {
    return vendorInputSchemas();
  }
}
